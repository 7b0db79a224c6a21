import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface LinkCheckAnsFields {
  /** Demodulation margin in dB above the demodulation floor, 0–254 (255 is reserved). */
  readonly margin: number;
  /** Number of gateways that received the LinkCheckReq. */
  readonly gatewayCount: number;
}

/** LinkCheckReq: the device asks whether the network hears it. No payload. */
export type LinkCheckReq = MacCommandOf<0x02, "LinkCheckReq", EmptyFields>;
/** LinkCheckAns: the margin of the best reception and how many gateways heard it. */
export type LinkCheckAns = MacCommandOf<0x02, "LinkCheckAns", LinkCheckAnsFields>;

const linkCheckAns: MacCommandCodec<"LinkCheckAns", LinkCheckAnsFields> = {
  name: "LinkCheckAns",
  length: 2,
  decode: (bytes, offset) => ({
    margin: bytes[offset] ?? 0,
    gatewayCount: bytes[offset + 1] ?? 0,
  }),
  encode: (fields, out, offset) => {
    out[offset] = checkInt("LinkCheckAns", "margin", fields.margin, 0, 254);
    out[offset + 1] = checkInt("LinkCheckAns", "gatewayCount", fields.gatewayCount, 0, 255);
  },
};

/** CID 0x02: Margin(1) GwCnt(1) downlink; empty uplink. */
export const linkCheck = defineMacCommand({
  cid: 0x02,
  name: "LinkCheck",
  initiatedBy: "device",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: emptyCodec("LinkCheckReq"),
  downlink: linkCheckAns,
});

import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface RXTimingSetupReqFields {
  /** Settings bits 3:0: RX1 delay in seconds, where 0 also means 1 s. */
  readonly delay: number;
}

/** RXTimingSetupReq: the network sets the delay between uplink end and RX1. */
export type RXTimingSetupReq = MacCommandOf<0x08, "RXTimingSetupReq", RXTimingSetupReqFields>;
/** RXTimingSetupAns: the device acknowledges. No payload. */
export type RXTimingSetupAns = MacCommandOf<0x08, "RXTimingSetupAns", EmptyFields>;

const rxTimingSetupReq: MacCommandCodec<"RXTimingSetupReq", RXTimingSetupReqFields> = {
  name: "RXTimingSetupReq",
  length: 1,
  decode: (bytes, offset) => ({ delay: (bytes[offset] ?? 0) & 0x0f }),
  encode: (fields, out, offset) => {
    out[offset] = checkInt("RXTimingSetupReq", "delay", fields.delay, 0, 15);
  },
};

/** CID 0x08: Settings(1) = RFU(7:4) Del(3:0) downlink; empty uplink. */
export const rxTimingSetup = defineMacCommand({
  cid: 0x08,
  name: "RXTimingSetup",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: emptyCodec("RXTimingSetupAns"),
  downlink: rxTimingSetupReq,
});

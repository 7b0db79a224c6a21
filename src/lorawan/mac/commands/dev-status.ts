import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface DevStatusAnsFields {
  /** 0: external power; 1–254: battery level from minimum to maximum; 255: cannot measure. */
  readonly battery: number;
  /** RadioStatus bits 5:0, signed: SNR of the last DevStatusReq in dB, -32 to 31. */
  readonly margin: number;
}

/** DevStatusReq: the network asks for battery level and demodulation margin. No payload. */
export type DevStatusReq = MacCommandOf<0x06, "DevStatusReq", EmptyFields>;
/** DevStatusAns: battery level and SNR margin. */
export type DevStatusAns = MacCommandOf<0x06, "DevStatusAns", DevStatusAnsFields>;

const devStatusAns: MacCommandCodec<"DevStatusAns", DevStatusAnsFields> = {
  name: "DevStatusAns",
  length: 2,
  decode: (bytes, offset) => {
    const snr = (bytes[offset + 1] ?? 0) & 0x3f;
    return { battery: bytes[offset] ?? 0, margin: snr >= 32 ? snr - 64 : snr };
  },
  encode: (fields, out, offset) => {
    out[offset] = checkInt("DevStatusAns", "battery", fields.battery, 0, 255);
    out[offset + 1] = checkInt("DevStatusAns", "margin", fields.margin, -32, 31) & 0x3f;
  },
};

/** CID 0x06: empty downlink; Battery(1) RadioStatus(1) = RFU(7:6) SNR(5:0) uplink. */
export const devStatus = defineMacCommand({
  cid: 0x06,
  name: "DevStatus",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: devStatusAns,
  downlink: emptyCodec("DevStatusReq"),
});

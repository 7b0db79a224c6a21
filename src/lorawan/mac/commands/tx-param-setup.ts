import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { bit, checkBit, checkInt } from "../wire.ts";

export interface TxParamSetupReqFields {
  /** EIRP_DwellTime bit 5: downlink dwell time limited to 400 ms. */
  readonly downlinkDwellTime: boolean;
  /** EIRP_DwellTime bit 4: uplink dwell time limited to 400 ms. */
  readonly uplinkDwellTime: boolean;
  /** EIRP_DwellTime bits 3:0: index into the MaxEIRP table (8 to 36 dBm). */
  readonly maxEirpIndex: number;
}

/** TxParamSetupReq: the network sets dwell time limits and maximum EIRP. */
export type TxParamSetupReq = MacCommandOf<0x09, "TxParamSetupReq", TxParamSetupReqFields>;
/** TxParamSetupAns: the device acknowledges. No payload. */
export type TxParamSetupAns = MacCommandOf<0x09, "TxParamSetupAns", EmptyFields>;

/** The MaxEIRP values in dBm by index, from the specification. */
export const MAX_EIRP_TABLE: readonly number[] = [
  8, 10, 12, 13, 14, 16, 18, 20, 21, 24, 26, 27, 29, 30, 33, 36,
];

const txParamSetupReq: MacCommandCodec<"TxParamSetupReq", TxParamSetupReqFields> = {
  name: "TxParamSetupReq",
  length: 1,
  decode: (bytes, offset) => {
    const value = bytes[offset] ?? 0;
    return {
      downlinkDwellTime: bit(value, 5),
      uplinkDwellTime: bit(value, 4),
      maxEirpIndex: value & 0x0f,
    };
  },
  encode: (fields, out, offset) => {
    const name = "TxParamSetupReq";
    out[offset] =
      (checkBit(name, "downlinkDwellTime", fields.downlinkDwellTime) << 5) |
      (checkBit(name, "uplinkDwellTime", fields.uplinkDwellTime) << 4) |
      checkInt(name, "maxEirpIndex", fields.maxEirpIndex, 0, 15);
  },
};

/** CID 0x09 (from 1.0.2): EIRP_DwellTime(1) downlink; empty uplink. */
export const txParamSetup = defineMacCommand({
  cid: 0x09,
  name: "TxParamSetup",
  initiatedBy: "network",
  versions: ["1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: emptyCodec("TxParamSetupAns"),
  downlink: txParamSetupReq,
});

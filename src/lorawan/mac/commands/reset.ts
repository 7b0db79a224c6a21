import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { checkInt } from "../wire.ts";

/** LoRaWAN minor version as carried by ResetInd/Conf and RekeyInd/Conf: 1 is LoRaWAN x.1. */
export interface MinorVersionFields {
  /** Bits 3:0 (0 and 2–15 are RFU; 1 means LoRaWAN 1.1). */
  readonly minorVersion: number;
}

/** ResetInd: an ABP device says it reset and which LoRaWAN minor version it speaks. */
export type ResetInd = MacCommandOf<0x01, "ResetInd", MinorVersionFields>;
/** ResetConf: the network server answers with the minor version it will use. */
export type ResetConf = MacCommandOf<0x01, "ResetConf", MinorVersionFields>;

/** A one-byte payload `RFU(7:4) | Minor(3:0)`, shared with RekeyInd/Conf. */
export function minorVersionCodec<N extends string>(
  name: N,
): MacCommandCodec<N, MinorVersionFields> {
  return {
    name,
    length: 1,
    decode: (bytes, offset) => ({ minorVersion: (bytes[offset] ?? 0) & 0x0f }),
    encode: (fields, out, offset) => {
      out[offset] = checkInt(name, "minorVersion", fields.minorVersion, 0, 15);
    },
  };
}

/** CID 0x01, LoRaWAN 1.1 only. */
export const reset = defineMacCommand({
  cid: 0x01,
  name: "Reset",
  initiatedBy: "device",
  versions: ["1.1"],
  uplink: minorVersionCodec("ResetInd"),
  downlink: minorVersionCodec("ResetConf"),
});

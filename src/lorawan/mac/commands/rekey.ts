import { defineMacCommand, type MacCommandOf } from "../types.ts";
import { type MinorVersionFields, minorVersionCodec } from "./reset.ts";

/** RekeyInd: a 1.1 OTAA device confirms its new session keys and its minor version. */
export type RekeyInd = MacCommandOf<0x0b, "RekeyInd", MinorVersionFields>;
/** RekeyConf: the network server answers with the minor version it will use. */
export type RekeyConf = MacCommandOf<0x0b, "RekeyConf", MinorVersionFields>;

/** CID 0x0B, LoRaWAN 1.1 only: RFU(7:4) Minor(3:0) both ways. */
export const rekey = defineMacCommand({
  cid: 0x0b,
  name: "Rekey",
  initiatedBy: "device",
  versions: ["1.1"],
  uplink: minorVersionCodec("RekeyInd"),
  downlink: minorVersionCodec("RekeyConf"),
});

import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface PingSlotInfoReqFields {
  /** PingSlotParam bits 2:0: a ping slot every 2^periodicity beacon-period seconds (≈1–128 s). */
  readonly periodicity: number;
}

/** PingSlotInfoReq: a Class B device tells the network its unicast ping-slot periodicity. */
export type PingSlotInfoReq = MacCommandOf<0x10, "PingSlotInfoReq", PingSlotInfoReqFields>;
/** PingSlotInfoAns: the network acknowledges. No payload. */
export type PingSlotInfoAns = MacCommandOf<0x10, "PingSlotInfoAns", EmptyFields>;

const pingSlotInfoReq: MacCommandCodec<"PingSlotInfoReq", PingSlotInfoReqFields> = {
  name: "PingSlotInfoReq",
  length: 1,
  decode: (bytes, offset) => ({ periodicity: (bytes[offset] ?? 0) & 0x07 }),
  encode: (fields, out, offset) => {
    out[offset] = checkInt("PingSlotInfoReq", "periodicity", fields.periodicity, 0, 7);
  },
};

/**
 * CID 0x10 (Class B): PingSlotParam(1) = RFU(7:3) Periodicity(2:0) uplink; empty downlink.
 * This is the 1.0.3/1.0.4/1.1 layout. The Class B chapter of 1.0.0–1.0.2 put Periodicity in
 * bits 6:4 and a data rate in bits 3:0 of the same byte; that layout is not decoded here.
 */
export const pingSlotInfo = defineMacCommand({
  cid: 0x10,
  name: "PingSlotInfo",
  initiatedBy: "device",
  versions: ["1.0.3", "1.0.4", "1.1"],
  uplink: pingSlotInfoReq,
  downlink: emptyCodec("PingSlotInfoAns"),
});

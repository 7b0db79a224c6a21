import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { checkInt } from "../wire.ts";

export interface ForceRejoinReqFields {
  /** Bits 13:11: delay between retransmissions is 32 s × 2^period + rand(0..32) s. */
  readonly period: number;
  /** Bits 10:8: retransmissions after the first rejoin-request (0 means send once). */
  readonly maxRetries: number;
  /** Bits 6:4: rejoin-request type to send; 0 or 1 means type 0, 2 means type 2 (3–7 RFU). */
  readonly rejoinType: number;
  /** Bits 3:0: data rate of the rejoin-request. */
  readonly dataRateIndex: number;
}

/** ForceRejoinReq: the network makes a 1.1 device send a rejoin-request. */
export type ForceRejoinReq = MacCommandOf<0x0e, "ForceRejoinReq", ForceRejoinReqFields>;

const forceRejoinReq: MacCommandCodec<"ForceRejoinReq", ForceRejoinReqFields> = {
  name: "ForceRejoinReq",
  length: 2,
  decode: (bytes, offset) => {
    // A 16-bit little-endian field: byte 0 holds bits 7:0, byte 1 holds bits 15:8.
    const low = bytes[offset] ?? 0;
    const high = bytes[offset + 1] ?? 0;
    return {
      period: (high >> 3) & 0x07,
      maxRetries: high & 0x07,
      rejoinType: (low >> 4) & 0x07,
      dataRateIndex: low & 0x0f,
    };
  },
  encode: (fields, out, offset) => {
    const name = "ForceRejoinReq";
    const period = checkInt(name, "period", fields.period, 0, 7);
    const maxRetries = checkInt(name, "maxRetries", fields.maxRetries, 0, 7);
    const rejoinType = checkInt(name, "rejoinType", fields.rejoinType, 0, 2);
    const dataRate = checkInt(name, "dataRateIndex", fields.dataRateIndex, 0, 15);
    out[offset] = (rejoinType << 4) | dataRate;
    out[offset + 1] = (period << 3) | maxRetries;
  },
};

/**
 * CID 0x0E, LoRaWAN 1.1 only, downlink only: RFU(15:14) Period(13:11) Max_Retries(10:8) RFU(7)
 * RejoinType(6:4) DR(3:0). The device answers with a rejoin-request, not a MAC command.
 */
export const forceRejoin = defineMacCommand({
  cid: 0x0e,
  name: "ForceRejoin",
  initiatedBy: "network",
  versions: ["1.1"],
  uplink: null,
  downlink: forceRejoinReq,
});

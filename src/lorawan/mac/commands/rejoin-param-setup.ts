import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt } from "../wire.ts";

export interface RejoinParamSetupReqFields {
  /** Bits 7:4: send a type 0 rejoin-request at least every 2^(maxTimeN + 10) s. */
  readonly maxTimeN: number;
  /** Bits 3:0: send a type 0 rejoin-request at least every 2^(maxCountN + 4) uplinks. */
  readonly maxCountN: number;
}

export interface RejoinParamSetupAnsFields {
  /** Status bit 0 (TimeOK): the device accepts the time limit as well as the count limit. */
  readonly maxTimeNAck: boolean;
}

/** RejoinParamSetupReq: the network sets how often a 1.1 device sends type 0 rejoins. */
export type RejoinParamSetupReq = MacCommandOf<
  0x0f,
  "RejoinParamSetupReq",
  RejoinParamSetupReqFields
>;
/** RejoinParamSetupAns: the device says whether it accepts the time limit. */
export type RejoinParamSetupAns = MacCommandOf<
  0x0f,
  "RejoinParamSetupAns",
  RejoinParamSetupAnsFields
>;

const rejoinParamSetupReq: MacCommandCodec<"RejoinParamSetupReq", RejoinParamSetupReqFields> = {
  name: "RejoinParamSetupReq",
  length: 1,
  decode: (bytes, offset) => {
    const value = bytes[offset] ?? 0;
    return { maxTimeN: value >> 4, maxCountN: value & 0x0f };
  },
  encode: (fields, out, offset) => {
    out[offset] =
      (checkInt("RejoinParamSetupReq", "maxTimeN", fields.maxTimeN, 0, 15) << 4) |
      checkInt("RejoinParamSetupReq", "maxCountN", fields.maxCountN, 0, 15);
  },
};

const rejoinParamSetupAns: MacCommandCodec<"RejoinParamSetupAns", RejoinParamSetupAnsFields> = {
  name: "RejoinParamSetupAns",
  length: 1,
  decode: (bytes, offset) => ({ maxTimeNAck: bit(bytes[offset] ?? 0, 0) }),
  encode: (fields, out, offset) => {
    out[offset] = checkBit("RejoinParamSetupAns", "maxTimeNAck", fields.maxTimeNAck);
  },
};

/** CID 0x0F, LoRaWAN 1.1 only: MaxTimeN(7:4) MaxCountN(3:0) downlink; RFU(7:1) TimeOK(0) uplink. */
export const rejoinParamSetup = defineMacCommand({
  cid: 0x0f,
  name: "RejoinParamSetup",
  initiatedBy: "network",
  versions: ["1.1"],
  uplink: rejoinParamSetupAns,
  downlink: rejoinParamSetupReq,
});

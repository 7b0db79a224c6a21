import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface ADRParamSetupReqFields {
  /** ADRparam bits 7:4: ADR_ACK_LIMIT = 2^limitExp. */
  readonly limitExp: number;
  /** ADRparam bits 3:0: ADR_ACK_DELAY = 2^delayExp. */
  readonly delayExp: number;
}

/** ADRParamSetupReq: the network sets ADR_ACK_LIMIT and ADR_ACK_DELAY. */
export type ADRParamSetupReq = MacCommandOf<0x0c, "ADRParamSetupReq", ADRParamSetupReqFields>;
/** ADRParamSetupAns: the device acknowledges. No payload. */
export type ADRParamSetupAns = MacCommandOf<0x0c, "ADRParamSetupAns", EmptyFields>;

const adrParamSetupReq: MacCommandCodec<"ADRParamSetupReq", ADRParamSetupReqFields> = {
  name: "ADRParamSetupReq",
  length: 1,
  decode: (bytes, offset) => {
    const value = bytes[offset] ?? 0;
    return { limitExp: value >> 4, delayExp: value & 0x0f };
  },
  encode: (fields, out, offset) => {
    out[offset] =
      (checkInt("ADRParamSetupReq", "limitExp", fields.limitExp, 0, 15) << 4) |
      checkInt("ADRParamSetupReq", "delayExp", fields.delayExp, 0, 15);
  },
};

/** CID 0x0C, LoRaWAN 1.1 only: ADRparam(1) = Limit_exp(7:4) Delay_exp(3:0) downlink. */
export const adrParamSetup = defineMacCommand({
  cid: 0x0c,
  name: "ADRParamSetup",
  initiatedBy: "network",
  versions: ["1.1"],
  uplink: emptyCodec("ADRParamSetupAns"),
  downlink: adrParamSetupReq,
});

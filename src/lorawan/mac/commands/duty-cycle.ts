import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt } from "../wire.ts";

export interface DutyCycleReqFields {
  /** DutyCyclePL bits 3:0: aggregated duty cycle limit is 1 / 2^maxDutyCycle. */
  readonly maxDutyCycle: number;
}

/** DutyCycleReq: the network limits the device's aggregated transmit duty cycle. */
export type DutyCycleReq = MacCommandOf<0x04, "DutyCycleReq", DutyCycleReqFields>;
/** DutyCycleAns: the device acknowledges. No payload. */
export type DutyCycleAns = MacCommandOf<0x04, "DutyCycleAns", EmptyFields>;

const dutyCycleReq: MacCommandCodec<"DutyCycleReq", DutyCycleReqFields> = {
  name: "DutyCycleReq",
  length: 1,
  decode: (bytes, offset) => ({ maxDutyCycle: (bytes[offset] ?? 0) & 0x0f }),
  encode: (fields, out, offset) => {
    out[offset] = checkInt("DutyCycleReq", "maxDutyCycle", fields.maxDutyCycle, 0, 15);
  },
};

/** CID 0x04: DutyCyclePL(1) = RFU(7:4) MaxDCycle(3:0) downlink; empty uplink. */
export const dutyCycle = defineMacCommand({
  cid: 0x04,
  name: "DutyCycle",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: emptyCodec("DutyCycleAns"),
  downlink: dutyCycleReq,
});

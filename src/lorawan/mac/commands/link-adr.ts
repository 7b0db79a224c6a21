import { errInvalidField } from "../errors.ts";
import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt } from "../wire.ts";

export interface LinkADRReqFields {
  /** DataRate_TXPower bits 7:4. */
  readonly dataRateIndex: number;
  /** DataRate_TXPower bits 3:0. */
  readonly txPowerIndex: number;
  /**
   * ChMask, 16 entries: `chMask[i]` is bit i of the little-endian 16-bit field, i.e. channel i
   * of the block that `chMaskCntl` selects.
   */
  readonly chMask: readonly boolean[];
  /** Redundancy bits 6:4: how to read ChMask (meaning is per band). */
  readonly chMaskCntl: number;
  /** Redundancy bits 3:0: transmissions per uplink; 0 means keep the current value. */
  readonly nbTrans: number;
}

export interface LinkADRAnsFields {
  /** Status bit 2. */
  readonly powerAck: boolean;
  /** Status bit 1. */
  readonly dataRateAck: boolean;
  /** Status bit 0. */
  readonly channelMaskAck: boolean;
}

/** LinkADRReq: the network sets data rate, TX power, channel mask and repetitions. */
export type LinkADRReq = MacCommandOf<0x03, "LinkADRReq", LinkADRReqFields>;
/** LinkADRAns: the device acknowledges each part of a LinkADRReq. */
export type LinkADRAns = MacCommandOf<0x03, "LinkADRAns", LinkADRAnsFields>;

const linkADRReq: MacCommandCodec<"LinkADRReq", LinkADRReqFields> = {
  name: "LinkADRReq",
  length: 4,
  decode: (bytes, offset) => {
    const dataRateTxPower = bytes[offset] ?? 0;
    const mask = (bytes[offset + 1] ?? 0) | ((bytes[offset + 2] ?? 0) << 8);
    const redundancy = bytes[offset + 3] ?? 0;
    const chMask: boolean[] = [];
    for (let i = 0; i < 16; i++) chMask.push(bit(mask, i));
    return {
      dataRateIndex: dataRateTxPower >> 4,
      txPowerIndex: dataRateTxPower & 0x0f,
      chMask,
      chMaskCntl: (redundancy >> 4) & 0x07,
      nbTrans: redundancy & 0x0f,
    };
  },
  encode: (fields, out, offset) => {
    const name = "LinkADRReq";
    const dataRate = checkInt(name, "dataRateIndex", fields.dataRateIndex, 0, 15);
    const txPower = checkInt(name, "txPowerIndex", fields.txPowerIndex, 0, 15);
    const chMask: unknown = fields.chMask;
    if (!Array.isArray(chMask) || chMask.length !== 16) {
      throw errInvalidField.create({
        command: name,
        field: "chMask",
        value: Array.isArray(chMask) ? `an array of ${chMask.length}` : typeof chMask,
        expected: "an array of 16 booleans",
      });
    }
    let mask = 0;
    for (let i = 0; i < 16; i++) mask |= checkBit(name, `chMask[${i}]`, chMask[i]) << i;
    const chMaskCntl = checkInt(name, "chMaskCntl", fields.chMaskCntl, 0, 7);
    const nbTrans = checkInt(name, "nbTrans", fields.nbTrans, 0, 15);
    out[offset] = (dataRate << 4) | txPower;
    out[offset + 1] = mask & 0xff;
    out[offset + 2] = mask >> 8;
    out[offset + 3] = (chMaskCntl << 4) | nbTrans;
  },
};

const linkADRAns: MacCommandCodec<"LinkADRAns", LinkADRAnsFields> = {
  name: "LinkADRAns",
  length: 1,
  decode: (bytes, offset) => {
    const status = bytes[offset] ?? 0;
    return {
      powerAck: bit(status, 2),
      dataRateAck: bit(status, 1),
      channelMaskAck: bit(status, 0),
    };
  },
  encode: (fields, out, offset) => {
    const name = "LinkADRAns";
    out[offset] =
      (checkBit(name, "powerAck", fields.powerAck) << 2) |
      (checkBit(name, "dataRateAck", fields.dataRateAck) << 1) |
      checkBit(name, "channelMaskAck", fields.channelMaskAck);
  },
};

/** CID 0x03: DataRate_TXPower(1) ChMask(2) Redundancy(1) downlink; Status(1) uplink. */
export const linkADR = defineMacCommand({
  cid: 0x03,
  name: "LinkADR",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: linkADRAns,
  downlink: linkADRReq,
});

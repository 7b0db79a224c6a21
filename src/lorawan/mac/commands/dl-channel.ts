import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt, readFrequency, writeFrequency } from "../wire.ts";

export interface DlChannelReqFields {
  /** Index of the uplink channel whose RX1 downlink frequency changes. */
  readonly chIndex: number;
  /** RX1 downlink frequency in Hz (wire: 24 bits ×100 Hz). */
  readonly frequency: number;
}

export interface DlChannelAnsFields {
  /** Status bit 1: the uplink channel exists. */
  readonly uplinkFrequencyExists: boolean;
  /** Status bit 0: the frequency is usable. */
  readonly frequencyAck: boolean;
}

/** DlChannelReq: the network moves the RX1 downlink of one channel to another frequency. */
export type DlChannelReq = MacCommandOf<0x0a, "DlChannelReq", DlChannelReqFields>;
/** DlChannelAns: the device acknowledges. */
export type DlChannelAns = MacCommandOf<0x0a, "DlChannelAns", DlChannelAnsFields>;

const dlChannelReq: MacCommandCodec<"DlChannelReq", DlChannelReqFields> = {
  name: "DlChannelReq",
  length: 4,
  decode: (bytes, offset) => ({
    chIndex: bytes[offset] ?? 0,
    frequency: readFrequency(bytes, offset + 1),
  }),
  encode: (fields, out, offset) => {
    out[offset] = checkInt("DlChannelReq", "chIndex", fields.chIndex, 0, 255);
    writeFrequency("DlChannelReq", "frequency", fields.frequency, out, offset + 1);
  },
};

const dlChannelAns: MacCommandCodec<"DlChannelAns", DlChannelAnsFields> = {
  name: "DlChannelAns",
  length: 1,
  decode: (bytes, offset) => {
    const status = bytes[offset] ?? 0;
    return { uplinkFrequencyExists: bit(status, 1), frequencyAck: bit(status, 0) };
  },
  encode: (fields, out, offset) => {
    out[offset] =
      (checkBit("DlChannelAns", "uplinkFrequencyExists", fields.uplinkFrequencyExists) << 1) |
      checkBit("DlChannelAns", "frequencyAck", fields.frequencyAck);
  },
};

/** CID 0x0A (from 1.0.2): ChIndex(1) Freq(3) downlink; Status(1) uplink. */
export const dlChannel = defineMacCommand({
  cid: 0x0a,
  name: "DlChannel",
  initiatedBy: "network",
  versions: ["1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: dlChannelAns,
  downlink: dlChannelReq,
});

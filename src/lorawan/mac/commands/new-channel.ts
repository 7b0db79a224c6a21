import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt, readFrequency, writeFrequency } from "../wire.ts";

export interface NewChannelReqFields {
  /** Index of the channel to create or change. */
  readonly chIndex: number;
  /** Channel frequency in Hz (wire: 24 bits ×100 Hz); 0 disables the channel. */
  readonly frequency: number;
  /** DrRange bits 3:0. */
  readonly minDataRate: number;
  /** DrRange bits 7:4. */
  readonly maxDataRate: number;
}

export interface NewChannelAnsFields {
  /** Status bit 1: the data-rate range is usable. */
  readonly dataRateAck: boolean;
  /** Status bit 0: the frequency is usable. */
  readonly frequencyAck: boolean;
}

/** NewChannelReq: the network creates or changes an uplink channel. */
export type NewChannelReq = MacCommandOf<0x07, "NewChannelReq", NewChannelReqFields>;
/** NewChannelAns: the device acknowledges frequency and data-rate range. */
export type NewChannelAns = MacCommandOf<0x07, "NewChannelAns", NewChannelAnsFields>;

const newChannelReq: MacCommandCodec<"NewChannelReq", NewChannelReqFields> = {
  name: "NewChannelReq",
  length: 5,
  decode: (bytes, offset) => {
    const drRange = bytes[offset + 4] ?? 0;
    return {
      chIndex: bytes[offset] ?? 0,
      frequency: readFrequency(bytes, offset + 1),
      minDataRate: drRange & 0x0f,
      maxDataRate: drRange >> 4,
    };
  },
  encode: (fields, out, offset) => {
    const name = "NewChannelReq";
    out[offset] = checkInt(name, "chIndex", fields.chIndex, 0, 255);
    writeFrequency(name, "frequency", fields.frequency, out, offset + 1);
    const min = checkInt(name, "minDataRate", fields.minDataRate, 0, 15);
    const max = checkInt(name, "maxDataRate", fields.maxDataRate, 0, 15);
    out[offset + 4] = (max << 4) | min;
  },
};

const newChannelAns: MacCommandCodec<"NewChannelAns", NewChannelAnsFields> = {
  name: "NewChannelAns",
  length: 1,
  decode: (bytes, offset) => {
    const status = bytes[offset] ?? 0;
    return { dataRateAck: bit(status, 1), frequencyAck: bit(status, 0) };
  },
  encode: (fields, out, offset) => {
    out[offset] =
      (checkBit("NewChannelAns", "dataRateAck", fields.dataRateAck) << 1) |
      checkBit("NewChannelAns", "frequencyAck", fields.frequencyAck);
  },
};

/** CID 0x07: ChIndex(1) Freq(3) DrRange(1) downlink; Status(1) uplink. */
export const newChannel = defineMacCommand({
  cid: 0x07,
  name: "NewChannel",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: newChannelAns,
  downlink: newChannelReq,
});

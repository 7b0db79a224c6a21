import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt, readFrequency, writeFrequency } from "../wire.ts";

export interface PingSlotChannelReqFields {
  /** Ping-slot frequency in Hz (wire: 24 bits ×100 Hz); 0 means the band's default. */
  readonly frequency: number;
  /** DR bits 3:0: data rate of the ping-slot downlinks. */
  readonly dataRateIndex: number;
}

export interface PingSlotChannelAnsFields {
  /** Status bit 1: the data rate is usable. */
  readonly dataRateAck: boolean;
  /** Status bit 0: the frequency is usable. */
  readonly frequencyAck: boolean;
}

/** PingSlotChannelReq: the network sets the unicast ping-slot frequency and data rate. */
export type PingSlotChannelReq = MacCommandOf<0x11, "PingSlotChannelReq", PingSlotChannelReqFields>;
/** PingSlotChannelAns: the device acknowledges frequency and data rate. */
export type PingSlotChannelAns = MacCommandOf<0x11, "PingSlotChannelAns", PingSlotChannelAnsFields>;

const pingSlotChannelReq: MacCommandCodec<"PingSlotChannelReq", PingSlotChannelReqFields> = {
  name: "PingSlotChannelReq",
  length: 4,
  decode: (bytes, offset) => ({
    frequency: readFrequency(bytes, offset),
    dataRateIndex: (bytes[offset + 3] ?? 0) & 0x0f,
  }),
  encode: (fields, out, offset) => {
    writeFrequency("PingSlotChannelReq", "frequency", fields.frequency, out, offset);
    out[offset + 3] = checkInt("PingSlotChannelReq", "dataRateIndex", fields.dataRateIndex, 0, 15);
  },
};

const pingSlotChannelAns: MacCommandCodec<"PingSlotChannelAns", PingSlotChannelAnsFields> = {
  name: "PingSlotChannelAns",
  length: 1,
  decode: (bytes, offset) => {
    const status = bytes[offset] ?? 0;
    return { dataRateAck: bit(status, 1), frequencyAck: bit(status, 0) };
  },
  encode: (fields, out, offset) => {
    out[offset] =
      (checkBit("PingSlotChannelAns", "dataRateAck", fields.dataRateAck) << 1) |
      checkBit("PingSlotChannelAns", "frequencyAck", fields.frequencyAck);
  },
};

/**
 * CID 0x11 (Class B): Frequency(3) DR(1) = RFU(7:4) DataRate(3:0) downlink; Status(1) uplink.
 * This is the 1.0.3/1.0.4/1.1 layout; 1.0.0–1.0.2 sent a DrRange (max 7:4, min 3:0) instead.
 */
export const pingSlotChannel = defineMacCommand({
  cid: 0x11,
  name: "PingSlotChannel",
  initiatedBy: "network",
  versions: ["1.0.3", "1.0.4", "1.1"],
  uplink: pingSlotChannelAns,
  downlink: pingSlotChannelReq,
});

import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, readFrequency, writeFrequency } from "../wire.ts";

export interface BeaconFreqReqFields {
  /** Beacon frequency in Hz (wire: 24 bits ×100 Hz); 0 means the band's default plan. */
  readonly frequency: number;
}

export interface BeaconFreqAnsFields {
  /** Status bit 0: the device can receive beacons on this frequency. */
  readonly frequencyAck: boolean;
}

/** BeaconFreqReq: the network sets the frequency on which the device expects beacons. */
export type BeaconFreqReq = MacCommandOf<0x13, "BeaconFreqReq", BeaconFreqReqFields>;
/** BeaconFreqAns: the device acknowledges the frequency. */
export type BeaconFreqAns = MacCommandOf<0x13, "BeaconFreqAns", BeaconFreqAnsFields>;

const beaconFreqReq: MacCommandCodec<"BeaconFreqReq", BeaconFreqReqFields> = {
  name: "BeaconFreqReq",
  length: 3,
  decode: (bytes, offset) => ({ frequency: readFrequency(bytes, offset) }),
  encode: (fields, out, offset) => {
    writeFrequency("BeaconFreqReq", "frequency", fields.frequency, out, offset);
  },
};

const beaconFreqAns: MacCommandCodec<"BeaconFreqAns", BeaconFreqAnsFields> = {
  name: "BeaconFreqAns",
  length: 1,
  decode: (bytes, offset) => ({ frequencyAck: bit(bytes[offset] ?? 0, 0) }),
  encode: (fields, out, offset) => {
    out[offset] = checkBit("BeaconFreqAns", "frequencyAck", fields.frequencyAck);
  },
};

/** CID 0x13 (Class B): Frequency(3) downlink; Status(1) = RFU(7:1) FreqOK(0) uplink. */
export const beaconFreq = defineMacCommand({
  cid: 0x13,
  name: "BeaconFreq",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: beaconFreqAns,
  downlink: beaconFreqReq,
});

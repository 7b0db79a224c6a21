import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { bit, checkBit, checkInt, readFrequency, writeFrequency } from "../wire.ts";

export interface RXParamSetupReqFields {
  /** DLSettings bits 6:4. */
  readonly rx1DataRateOffset: number;
  /** DLSettings bits 3:0. */
  readonly rx2DataRateIndex: number;
  /** RX2 frequency in Hz (wire: 24 bits ×100 Hz). */
  readonly rx2Frequency: number;
}

export interface RXParamSetupAnsFields {
  /** Status bit 2. */
  readonly rx1DataRateOffsetAck: boolean;
  /** Status bit 1. */
  readonly rx2DataRateIndexAck: boolean;
  /** Status bit 0. */
  readonly rx2FrequencyAck: boolean;
}

/** RXParamSetupReq: the network sets the RX1 data-rate offset and RX2 data rate and frequency. */
export type RXParamSetupReq = MacCommandOf<0x05, "RXParamSetupReq", RXParamSetupReqFields>;
/** RXParamSetupAns: the device acknowledges each part. */
export type RXParamSetupAns = MacCommandOf<0x05, "RXParamSetupAns", RXParamSetupAnsFields>;

const rxParamSetupReq: MacCommandCodec<"RXParamSetupReq", RXParamSetupReqFields> = {
  name: "RXParamSetupReq",
  length: 4,
  decode: (bytes, offset) => {
    const dlSettings = bytes[offset] ?? 0;
    return {
      rx1DataRateOffset: (dlSettings >> 4) & 0x07,
      rx2DataRateIndex: dlSettings & 0x0f,
      rx2Frequency: readFrequency(bytes, offset + 1),
    };
  },
  encode: (fields, out, offset) => {
    const name = "RXParamSetupReq";
    const rx1 = checkInt(name, "rx1DataRateOffset", fields.rx1DataRateOffset, 0, 7);
    const rx2 = checkInt(name, "rx2DataRateIndex", fields.rx2DataRateIndex, 0, 15);
    writeFrequency(name, "rx2Frequency", fields.rx2Frequency, out, offset + 1);
    out[offset] = (rx1 << 4) | rx2;
  },
};

const rxParamSetupAns: MacCommandCodec<"RXParamSetupAns", RXParamSetupAnsFields> = {
  name: "RXParamSetupAns",
  length: 1,
  decode: (bytes, offset) => {
    const status = bytes[offset] ?? 0;
    return {
      rx1DataRateOffsetAck: bit(status, 2),
      rx2DataRateIndexAck: bit(status, 1),
      rx2FrequencyAck: bit(status, 0),
    };
  },
  encode: (fields, out, offset) => {
    const name = "RXParamSetupAns";
    out[offset] =
      (checkBit(name, "rx1DataRateOffsetAck", fields.rx1DataRateOffsetAck) << 2) |
      (checkBit(name, "rx2DataRateIndexAck", fields.rx2DataRateIndexAck) << 1) |
      checkBit(name, "rx2FrequencyAck", fields.rx2FrequencyAck);
  },
};

/** CID 0x05: DLSettings(1) Frequency(3) downlink; Status(1) uplink. */
export const rxParamSetup = defineMacCommand({
  cid: 0x05,
  name: "RXParamSetup",
  initiatedBy: "network",
  versions: ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"],
  uplink: rxParamSetupAns,
  downlink: rxParamSetupReq,
});

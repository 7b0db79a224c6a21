import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt, readUint16, writeUint16 } from "../wire.ts";

export interface BeaconTimingAnsFields {
  /** Time to the next beacon in units of 30 ms: 30 ms × delay ≤ RTime < 30 ms × (delay + 1). */
  readonly delay: number;
  /** Index of the beacon channel of the next beacon (0 when the frequency is fixed). */
  readonly channel: number;
}

/** BeaconTimingReq: the device asks when the next beacon comes. No payload. Deprecated. */
export type BeaconTimingReq = MacCommandOf<0x12, "BeaconTimingReq", EmptyFields>;
/** BeaconTimingAns: delay to and channel of the next beacon. Deprecated. */
export type BeaconTimingAns = MacCommandOf<0x12, "BeaconTimingAns", BeaconTimingAnsFields>;

const beaconTimingAns: MacCommandCodec<"BeaconTimingAns", BeaconTimingAnsFields> = {
  name: "BeaconTimingAns",
  length: 3,
  decode: (bytes, offset) => ({
    delay: readUint16(bytes, offset),
    channel: bytes[offset + 2] ?? 0,
  }),
  encode: (fields, out, offset) => {
    writeUint16(checkInt("BeaconTimingAns", "delay", fields.delay, 0, 0xffff), out, offset);
    out[offset + 2] = checkInt("BeaconTimingAns", "channel", fields.channel, 0, 255);
  },
};

/**
 * CID 0x12 (Class B of 1.0.0–1.0.2): empty uplink; Delay(2, LE) Channel(1) downlink.
 * Deprecated by 1.0.3, 1.0.4 and 1.1 (DeviceTimeReq replaces it); still parsed, as old devices
 * send it.
 */
export const beaconTiming = defineMacCommand({
  cid: 0x12,
  name: "BeaconTiming",
  initiatedBy: "device",
  versions: ["1.0.0", "1.0.1", "1.0.2"],
  deprecated: true,
  uplink: emptyCodec("BeaconTimingReq"),
  downlink: beaconTimingAns,
});

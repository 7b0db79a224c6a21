import {
  defineMacCommand,
  type EmptyFields,
  emptyCodec,
  type MacCommandCodec,
  type MacCommandOf,
} from "../types.ts";
import { checkInt, readUint32, writeUint32 } from "../wire.ts";

export interface DeviceTimeAnsFields {
  /** Whole seconds since the GPS epoch (1980-01-06T00:00:00Z), unsigned 32 bits. */
  readonly gpsSeconds: number;
  /** Fraction of the second in units of 1/256 s, 0–255. */
  readonly fractionalSecond: number;
}

/** DeviceTimeReq: the device asks for the network time. No payload. */
export type DeviceTimeReq = MacCommandOf<0x0d, "DeviceTimeReq", EmptyFields>;
/** DeviceTimeAns: GPS time at the end of the uplink that carried the DeviceTimeReq. */
export type DeviceTimeAns = MacCommandOf<0x0d, "DeviceTimeAns", DeviceTimeAnsFields>;

const deviceTimeAns: MacCommandCodec<"DeviceTimeAns", DeviceTimeAnsFields> = {
  name: "DeviceTimeAns",
  length: 5,
  decode: (bytes, offset) => ({
    gpsSeconds: readUint32(bytes, offset),
    fractionalSecond: bytes[offset + 4] ?? 0,
  }),
  encode: (fields, out, offset) => {
    const seconds = checkInt("DeviceTimeAns", "gpsSeconds", fields.gpsSeconds, 0, 0xffffffff);
    const fraction = checkInt("DeviceTimeAns", "fractionalSecond", fields.fractionalSecond, 0, 255);
    writeUint32(seconds, out, offset);
    out[offset + 4] = fraction;
  },
};

/** CID 0x0D (1.0.3+ and 1.1): Seconds(4, LE) FractionalSec(1) downlink; empty uplink. */
export const deviceTime = defineMacCommand({
  cid: 0x0d,
  name: "DeviceTime",
  initiatedBy: "device",
  versions: ["1.0.3", "1.0.4", "1.1"],
  uplink: emptyCodec("DeviceTimeReq"),
  downlink: deviceTimeAns,
});

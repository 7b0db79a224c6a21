import { errInvalidField } from "../errors.ts";
import { defineMacCommand, type MacCommandCodec, type MacCommandOf } from "../types.ts";
import { checkInt } from "../wire.ts";

/** The Class byte of DeviceModeInd/Conf: 0x00 is Class A, 0x02 is Class C, the rest RFU. */
export const DEVICE_MODE_CLASS_A = 0x00;
export const DEVICE_MODE_CLASS_C = 0x02;

export interface DeviceModeFields {
  /** The Class byte: {@link DEVICE_MODE_CLASS_A} or {@link DEVICE_MODE_CLASS_C}. */
  readonly deviceClass: number;
}

/** DeviceModeInd: a 1.1 device says it switched to Class A or Class C. */
export type DeviceModeInd = MacCommandOf<0x20, "DeviceModeInd", DeviceModeFields>;
/** DeviceModeConf: the network confirms the class it will use. */
export type DeviceModeConf = MacCommandOf<0x20, "DeviceModeConf", DeviceModeFields>;

function deviceModeCodec<N extends string>(name: N): MacCommandCodec<N, DeviceModeFields> {
  return {
    name,
    length: 1,
    decode: (bytes, offset) => ({ deviceClass: bytes[offset] ?? 0 }),
    encode: (fields, out, offset) => {
      const value = checkInt(name, "deviceClass", fields.deviceClass, 0, 255);
      if (value !== DEVICE_MODE_CLASS_A && value !== DEVICE_MODE_CLASS_C) {
        throw errInvalidField.create({
          command: name,
          field: "deviceClass",
          value,
          expected: "0 (Class A) or 2 (Class C); other values are RFU",
        });
      }
      out[offset] = value;
    },
  };
}

/** CID 0x20, LoRaWAN 1.1 only: Class(1) both ways. */
export const deviceMode = defineMacCommand({
  cid: 0x20,
  name: "DeviceMode",
  initiatedBy: "device",
  versions: ["1.1"],
  uplink: deviceModeCodec("DeviceModeInd"),
  downlink: deviceModeCodec("DeviceModeConf"),
});

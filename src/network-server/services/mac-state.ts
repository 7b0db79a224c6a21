import { create } from "@bufbuild/protobuf";
import {
  type EndDevice,
  type MACSettings,
  type MACState,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { Class } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { DeviceBand } from "./device-band.ts";

/**
 * Builds the MAC state of a new session (ABP creation, factory reset of an ABP device) from the
 * device, its band and the default MAC settings. The MAC layer supplies the full one; the
 * registry only needs a function of this shape.
 */
export type NewMacState = (
  device: EndDevice,
  deviceBand: DeviceBand,
  defaults: MACSettings,
) => MACState;

/**
 * The initial MAC state before the MAC layer's: class A, the device's (or default) receive
 * window parameters as both current and desired, the plan's maximum EIRP, one transmission.
 */
export const initialMacState: NewMacState = (device, { plan }, defaults) => {
  const settings = device.macSettings;
  const parameters = {
    maxEirp: plan.maxEirp,
    adrNbTrans: 1,
    rx1Delay: settings?.rx1Delay?.value ?? defaults.rx1Delay?.value ?? 1,
    rx1DataRateOffset: settings?.rx1DataRateOffset?.value ?? defaults.rx1DataRateOffset?.value ?? 0,
    rx2DataRateIndex: settings?.rx2DataRateIndex?.value ?? defaults.rx2DataRateIndex?.value ?? 0,
    rx2Frequency: settings?.rx2Frequency?.value ?? defaults.rx2Frequency?.value ?? 0n,
  };
  return create(MACStateSchema, {
    lorawanVersion: device.lorawanVersion,
    deviceClass: Class.A,
    currentParameters: parameters,
    desiredParameters: parameters,
  });
};

import type { EndDevice, MACSettings, MACState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { newMacState } from "../mac/new-state.ts";
import type { DeviceBand } from "./device-band.ts";

/**
 * Builds the MAC state of a new session (ABP creation, factory reset of an ABP device) from the
 * device, its band and the default MAC settings. Replaceable in tests.
 */
export type NewMacState = (
  device: EndDevice,
  deviceBand: DeviceBand,
  defaults: MACSettings,
) => MACState;

/** The MAC layer's new session state, as The Things Stack's Network Server builds it. */
export const defaultNewMacState: NewMacState = newMacState;

/** Simulated end devices: the frame side, the behaving device, its profile and its counters. */
export { answerMacCommands, type MacContext, type MacOutcome } from "./mac-answers.ts";
export {
  type AbpActivation,
  counterPayload,
  DEVICE_VERSIONS,
  type DeviceProfile,
  type DeviceVersion,
  type GeneratedPayload,
  type OtaaActivation,
  type PayloadGenerator,
} from "./profile.ts";
export { DEFAULT_REGIONAL_PARAMETERS, type RadioSettings } from "./radio-settings.ts";
export { SimulatedDevice, type SimulatedDeviceOptions } from "./simulated-device.ts";
export type { DeviceEvent, DeviceEventListener, DeviceStats, WindowName } from "./stats.ts";
export { ManualTime, realTimers, type Timers } from "./timers.ts";
export { VirtualDevice } from "./virtual-device.ts";

export { nsEndDeviceBatchRegistryService } from "./batch-registry.ts";
export { type DefaultMacSettingsConfig, defaultMacSettings } from "./default-mac-settings.ts";
export { type DeviceBand, deviceBand, phyVersionEnumName } from "./device-band.ts";
export { nsEndDeviceRegistryService, type RegistryServiceContext } from "./device-registry.ts";
export { evtEndDeviceCreate, evtEndDeviceDelete, evtEndDeviceUpdate } from "./events.ts";
export { defaultNewMacState, type NewMacState } from "./mac-state.ts";
export { nsService } from "./ns.ts";

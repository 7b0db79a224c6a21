/** Downlink planning of the Network Server: receive windows, paths, limits, TxRequest. Pure. */

export { acknowledgeDownlink } from "./acknowledge.ts";
export {
  buildDataDownlink,
  type DataDownlink,
  type DataDownlinkInput,
  type DataDownlinkResult,
} from "./data-downlink.ts";
export { dataRateIndexOf, dataRateMessage } from "./data-rate.ts";
export * from "./errors.ts";
export {
  type OrderedDownlinkPath,
  orderDownlinkPaths,
  type ReceptionMetadata,
  wantedRssi,
} from "./paths.ts";
export {
  classAMaxFrmPayloadSize,
  framePending,
  type LeftOver,
  maxFrmPayloadSize,
} from "./payload-size.ts";
export {
  type DownlinkContent,
  type DownlinkPriorities,
  defaultDownlinkPriorities,
  downlinkPriority,
} from "./priority.ts";
export {
  type ClassARequestInput,
  type ClassCRequestInput,
  classATxRequest,
  classCTxRequest,
} from "./tx-request.ts";
export {
  type ClassAUplink,
  type ClassAWindows,
  classAWindows,
  classCWindow,
  type DeviceChannel,
  type DeviceRxParameters,
  type ReceiveWindow,
  reachableWindows,
} from "./windows.ts";

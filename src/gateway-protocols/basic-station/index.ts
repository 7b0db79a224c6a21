/**
 * The LoRa Basics Station LNS protocol (station 2.0.6), pure: text frames in, typed values
 * out, and back. No sockets, no clock: times are passed in. See docs/basic-station.md.
 */
export { type DataRateEntry, dataRateTable } from "./data-rates.ts";
export {
  encodeRouterInfoError,
  encodeRouterInfoResponse,
  MUXS_ID,
  parseRouterInfoRequest,
  parseTrafficPath,
  type RouterInfoAnswer,
  type RouterInfoRequest,
  TRAFFIC_PATH_PREFIX,
  trafficPath,
} from "./discovery.ts";
export {
  type AbsoluteTimeDownlink,
  type ClassADownlink,
  type ClassCDownlink,
  DEFAULT_DOWNLINK_DEV_EUI,
  type Downlink,
  encodeDownlinkMessage,
  encodeTimeSyncReply,
  encodeTimeTransfer,
  type TxChannel,
} from "./downstream.ts";
export { type Drop, type DropReason, dropReasons } from "./drop-reasons.ts";
export {
  errBandNotFound,
  errChannelRadio,
  errDownlink,
  errMixedBands,
  errNoFrequencyPlan,
  errPlanWithoutRadios,
  errTooManyChannels,
} from "./errors.ts";
export { splitPhyPayload } from "./frame.ts";
export { parseJson, stringifyJson } from "./lossless-json.ts";
export {
  buildRouterConfig,
  encodeRouterConfig,
  type RouterConfig,
  type RouterConfigOptions,
  regionName,
} from "./router-config.ts";
export {
  formatDashedEui,
  formatHexEui,
  formatId6,
  parseStationEui,
} from "./station-id.ts";
export type { IfChannelConf, RadioConf, Sx1301Conf } from "./sx1301-conf.ts";
export {
  type JoinRequestMessage,
  type ProprietaryDataMessage,
  parseUpstream,
  type TimeSyncRequestMessage,
  type TxConfirmationMessage,
  type UpInfo,
  type UplinkDataMessage,
  type UplinkRadio,
  type UpstreamMessage,
  type UpstreamResult,
  type VersionMessage,
} from "./upstream.ts";
export {
  xtimeAfter,
  xtimeAt,
  xtimeSession,
  xtimeTicks,
  xtimeTimestamp,
  xtimeTxUnit,
} from "./xtime.ts";

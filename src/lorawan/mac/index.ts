/**
 * LoRaWAN MAC commands as data: one descriptor per CID (`commands/`), a table indexed by CID and
 * name (`table.ts`) and the sequence codec for FOpts and FPort 0 payloads (`sequence.ts`).
 */

export type {
  ADRParamSetupAns,
  ADRParamSetupReq,
  ADRParamSetupReqFields,
} from "./commands/adr-param-setup.ts";
export { adrParamSetup } from "./commands/adr-param-setup.ts";
export type {
  BeaconFreqAns,
  BeaconFreqAnsFields,
  BeaconFreqReq,
  BeaconFreqReqFields,
} from "./commands/beacon-freq.ts";
export { beaconFreq } from "./commands/beacon-freq.ts";
export type {
  BeaconTimingAns,
  BeaconTimingAnsFields,
  BeaconTimingReq,
} from "./commands/beacon-timing.ts";
export { beaconTiming } from "./commands/beacon-timing.ts";
export type { DevStatusAns, DevStatusAnsFields, DevStatusReq } from "./commands/dev-status.ts";
export { devStatus } from "./commands/dev-status.ts";
export type { DeviceModeConf, DeviceModeFields, DeviceModeInd } from "./commands/device-mode.ts";
export { DEVICE_MODE_CLASS_A, DEVICE_MODE_CLASS_C, deviceMode } from "./commands/device-mode.ts";
export type { DeviceTimeAns, DeviceTimeAnsFields, DeviceTimeReq } from "./commands/device-time.ts";
export { deviceTime } from "./commands/device-time.ts";
export type {
  DlChannelAns,
  DlChannelAnsFields,
  DlChannelReq,
  DlChannelReqFields,
} from "./commands/dl-channel.ts";
export { dlChannel } from "./commands/dl-channel.ts";
export type { DutyCycleAns, DutyCycleReq, DutyCycleReqFields } from "./commands/duty-cycle.ts";
export { dutyCycle } from "./commands/duty-cycle.ts";
export type { ForceRejoinReq, ForceRejoinReqFields } from "./commands/force-rejoin.ts";
export { forceRejoin } from "./commands/force-rejoin.ts";
export type {
  LinkADRAns,
  LinkADRAnsFields,
  LinkADRReq,
  LinkADRReqFields,
} from "./commands/link-adr.ts";
export { linkADR } from "./commands/link-adr.ts";
export type { LinkCheckAns, LinkCheckAnsFields, LinkCheckReq } from "./commands/link-check.ts";
export { linkCheck } from "./commands/link-check.ts";
export type {
  NewChannelAns,
  NewChannelAnsFields,
  NewChannelReq,
  NewChannelReqFields,
} from "./commands/new-channel.ts";
export { newChannel } from "./commands/new-channel.ts";
export type {
  PingSlotChannelAns,
  PingSlotChannelAnsFields,
  PingSlotChannelReq,
  PingSlotChannelReqFields,
} from "./commands/ping-slot-channel.ts";
export { pingSlotChannel } from "./commands/ping-slot-channel.ts";
export type {
  PingSlotInfoAns,
  PingSlotInfoReq,
  PingSlotInfoReqFields,
} from "./commands/ping-slot-info.ts";
export { pingSlotInfo } from "./commands/ping-slot-info.ts";
export type {
  RejoinParamSetupAns,
  RejoinParamSetupAnsFields,
  RejoinParamSetupReq,
  RejoinParamSetupReqFields,
} from "./commands/rejoin-param-setup.ts";
export { rejoinParamSetup } from "./commands/rejoin-param-setup.ts";
export type { RekeyConf, RekeyInd } from "./commands/rekey.ts";
export { rekey } from "./commands/rekey.ts";
export type { MinorVersionFields, ResetConf, ResetInd } from "./commands/reset.ts";
export { reset } from "./commands/reset.ts";
export type {
  RXParamSetupAns,
  RXParamSetupAnsFields,
  RXParamSetupReq,
  RXParamSetupReqFields,
} from "./commands/rx-param-setup.ts";
export { rxParamSetup } from "./commands/rx-param-setup.ts";
export type {
  RXTimingSetupAns,
  RXTimingSetupReq,
  RXTimingSetupReqFields,
} from "./commands/rx-timing-setup.ts";
export { rxTimingSetup } from "./commands/rx-timing-setup.ts";
export type {
  TxParamSetupAns,
  TxParamSetupReq,
  TxParamSetupReqFields,
} from "./commands/tx-param-setup.ts";
export { MAX_EIRP_TABLE, txParamSetup } from "./commands/tx-param-setup.ts";
export {
  errCidMismatch,
  errInvalidField,
  errInvalidInput,
  errProprietaryCommand,
  errTruncatedCommand,
  errUnknownCommand,
  errUnknownCommandName,
} from "./errors.ts";
export {
  decodeMacCommands,
  decodeMacCommandsLenient,
  encodeMacCommands,
  type MacCommandsPrefix,
  macCommandLength,
} from "./sequence.ts";
export {
  type DownlinkMacCommand,
  isProprietaryCid,
  MAC_COMMANDS,
  type MacCommand,
  type MacCommandEntry,
  type MacCommandFor,
  type MacCommandName,
  type MacCommandNamed,
  macCommandByName,
  macCommandCodec,
  macCommandDescriptor,
  type UplinkMacCommand,
} from "./table.ts";
export {
  type AnyMacCommandCodec,
  type AnyMacCommandDescriptor,
  type EmptyFields,
  MAC_VERSIONS,
  type MacCommandCodec,
  type MacCommandDescriptor,
  type MacCommandOf,
  type MacDirection,
  type MacVersion,
} from "./types.ts";

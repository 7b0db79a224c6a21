/**
 * The MAC command table: one descriptor per CID, indexed by CID and by command name.
 *
 * Known CIDs: 0x01–0x13 and 0x20 (LoRaWAN 1.0.0–1.0.4 and 1.1, Class B included).
 * Not in the table, so decoding stops there with `errUnknownCommand`:
 * - 0x00 and every other CID in 0x14–0x7F not listed above (RFU);
 * - the LoRaWAN Relay (TS011) commands 0x40 RelayConf, 0x41 EndDeviceConf, 0x42 FilterList,
 *   0x43 UpdateUplinkList, 0x44 CtrlUplinkList, 0x45 ConfigureFwdLimit, 0x46 NotifyNewEndDevice;
 * - a known CID in a direction where it has no command (ForceRejoin 0x0E sent uplink).
 * CIDs 0x80–0xFF are proprietary: their length is private to a vendor, so nothing after one can
 * be parsed; decoding stops there with `errProprietaryCommand`.
 */
import {
  type ADRParamSetupAns,
  type ADRParamSetupReq,
  adrParamSetup,
} from "./commands/adr-param-setup.ts";
import { type BeaconFreqAns, type BeaconFreqReq, beaconFreq } from "./commands/beacon-freq.ts";
import {
  type BeaconTimingAns,
  type BeaconTimingReq,
  beaconTiming,
} from "./commands/beacon-timing.ts";
import { type DevStatusAns, type DevStatusReq, devStatus } from "./commands/dev-status.ts";
import { type DeviceModeConf, type DeviceModeInd, deviceMode } from "./commands/device-mode.ts";
import { type DeviceTimeAns, type DeviceTimeReq, deviceTime } from "./commands/device-time.ts";
import { type DlChannelAns, type DlChannelReq, dlChannel } from "./commands/dl-channel.ts";
import { type DutyCycleAns, type DutyCycleReq, dutyCycle } from "./commands/duty-cycle.ts";
import { type ForceRejoinReq, forceRejoin } from "./commands/force-rejoin.ts";
import { type LinkADRAns, type LinkADRReq, linkADR } from "./commands/link-adr.ts";
import { type LinkCheckAns, type LinkCheckReq, linkCheck } from "./commands/link-check.ts";
import { type NewChannelAns, type NewChannelReq, newChannel } from "./commands/new-channel.ts";
import {
  type PingSlotChannelAns,
  type PingSlotChannelReq,
  pingSlotChannel,
} from "./commands/ping-slot-channel.ts";
import {
  type PingSlotInfoAns,
  type PingSlotInfoReq,
  pingSlotInfo,
} from "./commands/ping-slot-info.ts";
import {
  type RejoinParamSetupAns,
  type RejoinParamSetupReq,
  rejoinParamSetup,
} from "./commands/rejoin-param-setup.ts";
import { type RekeyConf, type RekeyInd, rekey } from "./commands/rekey.ts";
import { type ResetConf, type ResetInd, reset } from "./commands/reset.ts";
import {
  type RXParamSetupAns,
  type RXParamSetupReq,
  rxParamSetup,
} from "./commands/rx-param-setup.ts";
import {
  type RXTimingSetupAns,
  type RXTimingSetupReq,
  rxTimingSetup,
} from "./commands/rx-timing-setup.ts";
import {
  type TxParamSetupAns,
  type TxParamSetupReq,
  txParamSetup,
} from "./commands/tx-param-setup.ts";
import type { AnyMacCommandCodec, AnyMacCommandDescriptor, MacDirection } from "./types.ts";

/** Every command the end device sends. */
export type UplinkMacCommand =
  | ResetInd
  | LinkCheckReq
  | LinkADRAns
  | DutyCycleAns
  | RXParamSetupAns
  | DevStatusAns
  | NewChannelAns
  | RXTimingSetupAns
  | TxParamSetupAns
  | DlChannelAns
  | RekeyInd
  | ADRParamSetupAns
  | DeviceTimeReq
  | RejoinParamSetupAns
  | PingSlotInfoReq
  | PingSlotChannelAns
  | BeaconTimingReq
  | BeaconFreqAns
  | DeviceModeInd;

/** Every command the network server sends. */
export type DownlinkMacCommand =
  | ResetConf
  | LinkCheckAns
  | LinkADRReq
  | DutyCycleReq
  | RXParamSetupReq
  | DevStatusReq
  | NewChannelReq
  | RXTimingSetupReq
  | TxParamSetupReq
  | DlChannelReq
  | RekeyConf
  | ADRParamSetupReq
  | DeviceTimeAns
  | ForceRejoinReq
  | RejoinParamSetupReq
  | PingSlotInfoAns
  | PingSlotChannelReq
  | BeaconTimingAns
  | BeaconFreqReq
  | DeviceModeConf;

/** Any MAC command of either direction. */
export type MacCommand = UplinkMacCommand | DownlinkMacCommand;

/** A command name such as `LinkADRReq`. */
export type MacCommandName = MacCommand["name"];

/** The command type of a direction. */
export type MacCommandFor<D extends MacDirection> = D extends "uplink"
  ? UplinkMacCommand
  : DownlinkMacCommand;

/** The command with a given name, e.g. `MacCommandNamed<"LinkADRReq">`. */
export type MacCommandNamed<N extends MacCommandName> = Extract<MacCommand, { name: N }>;

/** Every descriptor, in CID order. */
export const MAC_COMMANDS = [
  reset,
  linkCheck,
  linkADR,
  dutyCycle,
  rxParamSetup,
  devStatus,
  newChannel,
  rxTimingSetup,
  txParamSetup,
  dlChannel,
  rekey,
  adrParamSetup,
  deviceTime,
  forceRejoin,
  rejoinParamSetup,
  pingSlotInfo,
  pingSlotChannel,
  beaconTiming,
  beaconFreq,
  deviceMode,
] as const;

/** A command codec with the descriptor it belongs to and its direction. */
export interface MacCommandEntry {
  readonly descriptor: AnyMacCommandDescriptor;
  readonly direction: MacDirection;
  readonly codec: AnyMacCommandCodec;
}

const byCid: (AnyMacCommandDescriptor | undefined)[] = new Array(256).fill(undefined);
const byName = new Map<string, MacCommandEntry>();
for (const descriptor of MAC_COMMANDS as readonly AnyMacCommandDescriptor[]) {
  if (byCid[descriptor.cid] !== undefined) {
    throw new Error(`MAC command CID ${descriptor.cid} is defined twice`);
  }
  byCid[descriptor.cid] = descriptor;
  for (const direction of ["uplink", "downlink"] as const) {
    const codec = descriptor[direction];
    if (codec === null) continue;
    if (byName.has(codec.name)) throw new Error(`MAC command ${codec.name} is defined twice`);
    byName.set(codec.name, { descriptor, direction, codec });
  }
}

/** The descriptor of a CID, or undefined when the table has none (RFU, relay, proprietary). */
export function macCommandDescriptor(cid: number): AnyMacCommandDescriptor | undefined {
  return byCid[cid];
}

/** The codec of a CID in one direction, or undefined when there is none. */
export function macCommandCodec(
  cid: number,
  direction: MacDirection,
): AnyMacCommandCodec | undefined {
  return byCid[cid]?.[direction] ?? undefined;
}

/** The entry of a command name such as `DeviceTimeAns`, or undefined. */
export function macCommandByName(name: string): MacCommandEntry | undefined {
  return byName.get(name);
}

/** Whether `cid` is in the proprietary range 0x80–0xFF. */
export function isProprietaryCid(cid: number): boolean {
  return cid >= 0x80 && cid <= 0xff;
}

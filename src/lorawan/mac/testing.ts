/**
 * Test support for the MAC command tests (not used by production code): fast-check arbitraries
 * of valid commands and assertions shared by the per-command tests.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMacCommands, encodeMacCommands } from "./sequence.ts";
import {
  type DownlinkMacCommand,
  type MacCommand,
  type MacCommandName,
  type MacCommandNamed,
  macCommandByName,
  type UplinkMacCommand,
} from "./table.ts";
import type { MacDirection } from "./types.ts";

const nibble = fc.integer({ min: 0, max: 15 });
const octet = fc.integer({ min: 0, max: 255 });
const threeBits = fc.integer({ min: 0, max: 7 });
const frequency = fc.integer({ min: 0, max: 0xffffff }).map((f) => f * 100);

function command<N extends MacCommandName>(
  name: N,
  fields: { [K in Exclude<keyof MacCommandNamed<N>, "cid" | "name">]: fc.Arbitrary<unknown> },
): fc.Arbitrary<MacCommandNamed<N>> {
  const entry = macCommandByName(name);
  if (entry === undefined) throw new Error(`no MAC command ${name}`);
  return fc
    .record(fields as Record<string, fc.Arbitrary<unknown>>)
    .map((f) => ({ cid: entry.descriptor.cid, name, ...f }) as unknown as MacCommandNamed<N>);
}

/** An arbitrary of valid commands for every command name. */
export const commandArbitraries: { [N in MacCommandName]: fc.Arbitrary<MacCommandNamed<N>> } = {
  ResetInd: command("ResetInd", { minorVersion: nibble }),
  ResetConf: command("ResetConf", { minorVersion: nibble }),
  LinkCheckReq: command("LinkCheckReq", {}),
  LinkCheckAns: command("LinkCheckAns", {
    margin: fc.integer({ min: 0, max: 254 }),
    gatewayCount: octet,
  }),
  LinkADRReq: command("LinkADRReq", {
    dataRateIndex: nibble,
    txPowerIndex: nibble,
    chMask: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    chMaskCntl: threeBits,
    nbTrans: nibble,
  }),
  LinkADRAns: command("LinkADRAns", {
    powerAck: fc.boolean(),
    dataRateAck: fc.boolean(),
    channelMaskAck: fc.boolean(),
  }),
  DutyCycleReq: command("DutyCycleReq", { maxDutyCycle: nibble }),
  DutyCycleAns: command("DutyCycleAns", {}),
  RXParamSetupReq: command("RXParamSetupReq", {
    rx1DataRateOffset: threeBits,
    rx2DataRateIndex: nibble,
    rx2Frequency: frequency,
  }),
  RXParamSetupAns: command("RXParamSetupAns", {
    rx1DataRateOffsetAck: fc.boolean(),
    rx2DataRateIndexAck: fc.boolean(),
    rx2FrequencyAck: fc.boolean(),
  }),
  DevStatusReq: command("DevStatusReq", {}),
  DevStatusAns: command("DevStatusAns", {
    battery: octet,
    margin: fc.integer({ min: -32, max: 31 }),
  }),
  NewChannelReq: command("NewChannelReq", {
    chIndex: octet,
    frequency,
    minDataRate: nibble,
    maxDataRate: nibble,
  }),
  NewChannelAns: command("NewChannelAns", {
    dataRateAck: fc.boolean(),
    frequencyAck: fc.boolean(),
  }),
  RXTimingSetupReq: command("RXTimingSetupReq", { delay: nibble }),
  RXTimingSetupAns: command("RXTimingSetupAns", {}),
  TxParamSetupReq: command("TxParamSetupReq", {
    downlinkDwellTime: fc.boolean(),
    uplinkDwellTime: fc.boolean(),
    maxEirpIndex: nibble,
  }),
  TxParamSetupAns: command("TxParamSetupAns", {}),
  DlChannelReq: command("DlChannelReq", { chIndex: octet, frequency }),
  DlChannelAns: command("DlChannelAns", {
    uplinkFrequencyExists: fc.boolean(),
    frequencyAck: fc.boolean(),
  }),
  RekeyInd: command("RekeyInd", { minorVersion: nibble }),
  RekeyConf: command("RekeyConf", { minorVersion: nibble }),
  ADRParamSetupReq: command("ADRParamSetupReq", { limitExp: nibble, delayExp: nibble }),
  ADRParamSetupAns: command("ADRParamSetupAns", {}),
  DeviceTimeReq: command("DeviceTimeReq", {}),
  DeviceTimeAns: command("DeviceTimeAns", {
    gpsSeconds: fc.integer({ min: 0, max: 0xffffffff }),
    fractionalSecond: octet,
  }),
  ForceRejoinReq: command("ForceRejoinReq", {
    period: threeBits,
    maxRetries: threeBits,
    rejoinType: fc.integer({ min: 0, max: 2 }),
    dataRateIndex: nibble,
  }),
  RejoinParamSetupReq: command("RejoinParamSetupReq", { maxTimeN: nibble, maxCountN: nibble }),
  RejoinParamSetupAns: command("RejoinParamSetupAns", { maxTimeNAck: fc.boolean() }),
  PingSlotInfoReq: command("PingSlotInfoReq", { periodicity: threeBits }),
  PingSlotInfoAns: command("PingSlotInfoAns", {}),
  PingSlotChannelReq: command("PingSlotChannelReq", { frequency, dataRateIndex: nibble }),
  PingSlotChannelAns: command("PingSlotChannelAns", {
    dataRateAck: fc.boolean(),
    frequencyAck: fc.boolean(),
  }),
  BeaconTimingReq: command("BeaconTimingReq", {}),
  BeaconTimingAns: command("BeaconTimingAns", {
    delay: fc.integer({ min: 0, max: 0xffff }),
    channel: octet,
  }),
  BeaconFreqReq: command("BeaconFreqReq", { frequency }),
  BeaconFreqAns: command("BeaconFreqAns", { frequencyAck: fc.boolean() }),
  DeviceModeInd: command("DeviceModeInd", { deviceClass: fc.constantFrom(0, 2) }),
  DeviceModeConf: command("DeviceModeConf", { deviceClass: fc.constantFrom(0, 2) }),
};

function ofDirection(direction: MacDirection): fc.Arbitrary<MacCommand>[] {
  return (Object.keys(commandArbitraries) as MacCommandName[])
    .filter((name) => macCommandByName(name)?.direction === direction)
    .map((name) => commandArbitraries[name] as fc.Arbitrary<MacCommand>);
}

/** Any valid uplink command. */
export const uplinkCommand = fc.oneof(...ofDirection("uplink")) as fc.Arbitrary<UplinkMacCommand>;
/** Any valid downlink command. */
export const downlinkCommand = fc.oneof(
  ...ofDirection("downlink"),
) as fc.Arbitrary<DownlinkMacCommand>;

/** Parses hex such as `"03 52 FF00 01"` (spaces ignored). */
export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ""), "hex"));
}

/** Asserts that `hex` decodes to exactly `expected` and that `expected` encodes to `hex`. */
export function assertGolden(direction: MacDirection, hex: string, expected: MacCommand): void {
  const bytes = fromHex(hex);
  assert.deepEqual(decodeMacCommands(bytes, direction), [expected]);
  assert.deepEqual(encodeMacCommands([expected], direction), bytes);
}

/** Property: every valid command of `name` survives encode → decode unchanged. */
export function assertRoundTrip(name: MacCommandName, numRuns = 200): void {
  const entry = macCommandByName(name);
  if (entry === undefined) throw new Error(`no MAC command ${name}`);
  const arbitrary = commandArbitraries[name] as fc.Arbitrary<MacCommand>;
  fc.assert(
    fc.property(arbitrary, (command) => {
      const bytes = encodeMacCommands([command], entry.direction);
      assert.equal(bytes.length, 1 + entry.codec.length);
      assert.equal(bytes[0], entry.descriptor.cid);
      assert.deepEqual(decodeMacCommands(bytes, entry.direction), [command]);
    }),
    { numRuns },
  );
}

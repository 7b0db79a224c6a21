/** Test helpers: an EU868 or US915 MAC state, and contexts with a fixed clock. */
import { create } from "@bufbuild/protobuf";
import {
  type MACParameters_Channel,
  MACParameters_ChannelSchema,
  MACParametersSchema,
  type MACState,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type Band, getBand } from "../../lorawan/band/index.ts";
import type { UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { type DownlinkCommandsResult, enqueueDownlinkCommands } from "./downlink.ts";
import type { DownlinkContext, UplinkContext } from "./types.ts";
import { handleUplinkCommands, type UplinkCommandsResult } from "./uplink.ts";

export const eu868: Band = getBand("EU_863_870", "RP002-1.0.3");
export const us915: Band = getBand("US_902_928", "RP002-1.0.3");
export const as923: Band = getBand("AS_923", "RP002-1.0.3");

/** The band's default channels, enabled. */
export function defaultChannels(band: Band): MACParameters_Channel[] {
  return band.uplinkChannels.map((channel, i) =>
    create(MACParameters_ChannelSchema, {
      uplinkFrequency: BigInt(channel.frequency),
      downlinkFrequency: BigInt(
        band.downlinkChannels[i % band.downlinkChannels.length]?.frequency ?? channel.frequency,
      ),
      minDataRateIndex: channel.minDataRate,
      maxDataRateIndex: channel.maxDataRate,
      enableUplink: true,
    }),
  );
}

/** A MAC state whose desired parameters equal the current ones: nothing to ask. */
export function settledState(band: Band = eu868, version = MACVersion.MAC_V1_0_3): MACState {
  const parameters = () =>
    create(MACParametersSchema, {
      maxEirp: band.defaultMaxEirp,
      adrNbTrans: 1,
      rx1Delay: 1,
      rx2DataRateIndex: band.defaultRx2.dataRateIndex,
      rx2Frequency: BigInt(band.defaultRx2.frequency),
      channels: defaultChannels(band),
    });
  return create(MACStateSchema, {
    lorawanVersion: version,
    currentParameters: parameters(),
    desiredParameters: parameters(),
  });
}

export const at = new Date("2026-12-05T12:00:00Z");

export function uplinkContext(overrides: Partial<UplinkContext> = {}): UplinkContext {
  return {
    band: eu868,
    fCntUp: 10,
    receivedAt: at,
    dataRateIndex: 5,
    rxMetadata: [{ gatewayId: "gw-1", snr: 5 }],
    supportsJoin: true,
    ...overrides,
  };
}

/** A downlink context in which DevStatus is not due. */
export function downlinkContext(overrides: Partial<DownlinkContext> = {}): DownlinkContext {
  return {
    band: eu868,
    transmitAt: at,
    lastFCntUp: 10,
    lastDevStatusReceivedAt: at,
    classA: true,
    ...overrides,
  };
}

/** The event names of a result. */
export function eventNames(events: readonly { definition: { name: string } }[]): string[] {
  return events.map((e) => e.definition.name);
}

/** One downlink with what the state needs (FRMPayload budget), then an uplink with `answers`. */
export function exchange(
  macState: MACState,
  answers: readonly UplinkMacCommand[],
  down: Partial<DownlinkContext> = {},
  up: Partial<UplinkContext> = {},
): { down: DownlinkCommandsResult; up: UplinkCommandsResult } {
  const downlink = enqueueDownlinkCommands(
    { macState },
    { downlink: 51, uplink: 51 },
    downlinkContext(down),
  );
  return { down: downlink, up: handleUplinkCommands(downlink.state, answers, uplinkContext(up)) };
}

/**
 * The Network Server's choices for a join-accept, as The Things Stack makes them: a new DevAddr
 * (never the current session's), the desired RX1 DR offset, RX2 data rate and RX1 delay of the
 * new MAC state, OptNeg from LoRaWAN 1.1 on, and a CFList to the desired channels when the
 * 33-byte join-accept fits the downlink data rates (dwell-time limited bands may not).
 */
import { create } from "@bufbuild/protobuf";
import type { EndDevice, MACState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type JoinRequest, JoinRequestSchema } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { UplinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { type Band, maxMacPayloadSize, rx1DataRate } from "../../lorawan/band/index.ts";
import { type DevAddrPrefix, generateDevAddr, type RandomBelow } from "../dev-addr/index.ts";
import { dataRateIndexOf } from "../downlink/data-rate.ts";
import { versionAtLeast } from "../mac/commands.ts";
import { cfListOf } from "./cf-list.ts";

/** MHDR, 32 bytes of payload with the CFList, MIC: the MAC payload is 28 bytes. */
const joinAcceptWithCfListMacPayload = 33 - 5;
/** As The Things Stack: a few draws so that a rejoining device gets a new address. */
const devAddrDraws = 5;

const sameBytes = (a: Uint8Array, b: Uint8Array | undefined) =>
  b !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);

/** A random DevAddr of `prefixes` that differs from the device's current one when it can. */
export function newDevAddr(
  device: EndDevice,
  prefixes: readonly DevAddrPrefix[],
  random?: RandomBelow,
): Uint8Array {
  let devAddr = generateDevAddr(prefixes, random);
  for (let i = 1; i < devAddrDraws && sameBytes(devAddr, device.session?.devAddr); i++) {
    devAddr = generateDevAddr(prefixes, random);
  }
  return devAddr;
}

/**
 * Whether the join-accept may carry a CFList: the MAC payload limit of its RX1 data rate (from
 * the uplink's) and of RX2 must both hold 28 bytes.
 */
function cfListFits(band: Band, macState: MACState, uplink: UplinkMessage): boolean {
  const desired = macState.desiredParameters;
  const dwellTime = macState.currentParameters?.downlinkDwellTime?.value ?? false;
  const uplinkDataRate = dataRateIndexOf(band, uplink.settings?.dataRate);
  const rx1 =
    uplinkDataRate === undefined
      ? undefined
      : rx1DataRate(band, uplinkDataRate, desired?.rx1DataRateOffset ?? 0, dwellTime);
  const rates = [rx1, desired?.rx2DataRateIndex].filter((rate) => rate !== undefined);
  return rates.every(
    (rate) => (maxMacPayloadSize(band, rate, dwellTime) ?? 0) >= joinAcceptWithCfListMacPayload,
  );
}

export interface JoinRequestInput {
  device: EndDevice;
  band: Band;
  /** The new session's MAC state (mac/new-state.ts). */
  macState: MACState;
  uplink: UplinkMessage;
  devAddr: Uint8Array;
  netId: Uint8Array;
  correlationIds: readonly string[];
  /**
   * A type 2 rejoin: the join-accept repeats the device's current RX settings and carries no
   * CFList, so its radio parameters stay as they are (LoRaWAN 1.1 §6.2.4).
   */
  keepRadioParameters?: boolean;
}

/** The request to the Join Server (TTS `ttnpb.JoinRequest`). */
export function buildJoinRequest(input: JoinRequestInput): JoinRequest {
  const { device, band, macState, uplink } = input;
  const desired = input.keepRadioParameters
    ? macState.currentParameters
    : macState.desiredParameters;
  const cfList =
    !input.keepRadioParameters && cfListFits(band, macState, uplink)
      ? cfListOf(band, desired?.channels ?? [])
      : undefined;
  return create(JoinRequestSchema, {
    rawPayload: uplink.rawPayload,
    devAddr: input.devAddr,
    // The Network Server implements every version, so the device's is the session's.
    selectedMacVersion: device.lorawanVersion,
    netId: input.netId,
    downlinkSettings: {
      rx1DrOffset: desired?.rx1DataRateOffset ?? 0,
      rx2Dr: desired?.rx2DataRateIndex ?? 0,
      optNeg: versionAtLeast(macState, MACVersion.MAC_V1_1),
    },
    rxDelay: desired?.rx1Delay ?? 0,
    cfList,
    correlationIds: [...input.correlationIds],
    consumedAirtime: uplink.consumedAirtime,
  });
}

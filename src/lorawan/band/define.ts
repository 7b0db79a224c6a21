import type { Band, BandId, DataRate, Modulation, SharedParameters } from "./types.ts";
import type { RegionalParametersVersion } from "./version.ts";

/** Everything a band module states about one version: a {@link Band} without its identity. */
export type BandParameters = Omit<Band, "id" | "version">;

/** What changes from the previous version to this one. */
export type BandDelta = Partial<BandParameters>;

/**
 * Builds the bands of one module: `base` holds the parameters as of the first listed version,
 * and each entry's delta applies on top of everything before it, so that a module reads as the
 * history of the band.
 */
export function defineBand(
  id: BandId,
  base: BandParameters,
  history: readonly (readonly [RegionalParametersVersion, BandDelta])[],
): Band[] {
  const result: Band[] = [];
  let current: BandParameters = base;
  for (const [version, delta] of history) {
    current = { ...current, ...delta };
    result.push(deepFreeze({ id, version, ...current }));
  }
  return result;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** LoRa data rate modulation. */
export function lora(spreadingFactor: number, bandwidth: number, codingRate = "4/5"): Modulation {
  return { kind: "lora", spreadingFactor, bandwidth, codingRate };
}

/** FSK data rate modulation. */
export function fsk(bitRate: number): Modulation {
  return { kind: "fsk", bitRate };
}

/** LR-FHSS data rate modulation. */
export function lrFhss(operatingChannelWidth: number, codingRate: "1/3" | "2/3"): Modulation {
  return { kind: "lr-fhss", operatingChannelWidth, codingRate };
}

/** Size of FHDR without FOpts (7) plus FPort (1): N = M − 8. */
const macOverhead = 8;

/** A data rate with M (and M under dwell time, defaulting to M); N is derived. */
export function dataRate(
  index: number,
  modulation: Modulation,
  maxMacPayloadSize: number,
  maxMacPayloadSizeDwellTime = maxMacPayloadSize,
): DataRate {
  const n = (m: number) => (m > macOverhead ? m - macOverhead : 0);
  return {
    index,
    modulation,
    maxMacPayloadSize: { noDwellTime: maxMacPayloadSize, dwellTime: maxMacPayloadSizeDwellTime },
    maxApplicationPayloadSize: {
      noDwellTime: n(maxMacPayloadSize),
      dwellTime: n(maxMacPayloadSizeDwellTime),
    },
  };
}

/** Replaces or adds data rates by index, keeping the list sorted. */
export function withDataRates(existing: readonly DataRate[], changes: readonly DataRate[]) {
  const byIndex = new Map(existing.map((rate) => [rate.index, rate]));
  for (const rate of changes) byIndex.set(rate.index, rate);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** `count` channels from `first` Hz every `step` Hz, all allowing `minDataRate..maxDataRate`. */
export function channelRange(
  first: number,
  step: number,
  count: number,
  minDataRate: number,
  maxDataRate: number,
) {
  return Array.from({ length: count }, (_, i) => ({
    frequency: first + i * step,
    minDataRate,
    maxDataRate,
  }));
}

/** Channels at the given frequencies, all allowing `minDataRate..maxDataRate`. */
export function channels(frequencies: readonly number[], minDataRate: number, maxDataRate: number) {
  return frequencies.map((frequency) => ({ frequency, minDataRate, maxDataRate }));
}

/** TX power offsets 0, −step, −2·step, … (`count` entries). */
export function txPowerOffsets(count: number, step = 2): number[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 0 : -i * step));
}

/**
 * The common RX1 table: RX1 DR = clamp(uplink DR − effective offset, min, max), one row per
 * listed uplink data rate; `effectiveOffsets[o]` is the effective offset of RX1DROffset o.
 */
export function rx1Table(options: {
  readonly uplinkDataRates: readonly number[];
  readonly effectiveOffsets: readonly number[];
  readonly min: number;
  readonly max: number;
  /** Downlink DR index of uplink DR 0 (8 for US915/AU915, where downlinks use DR8–13). */
  readonly base?: number;
}): number[][] {
  const rows: number[][] = [];
  const base = options.base ?? 0;
  for (const up of options.uplinkDataRates) {
    rows[up] = options.effectiveOffsets.map((offset) =>
      Math.min(options.max, Math.max(options.min, base + up - offset)),
    );
  }
  return fillHoles(rows);
}

/** Offsets 0..count−1. */
export function plainOffsets(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** AS923/IN865 offsets: 0–5 lower the data rate, 6 and 7 raise it by 1 and 2. */
export const offsetsWithRaise: readonly number[] = [0, 1, 2, 3, 4, 5, -1, -2];

/** Table rows may be sparse while built; the data holds empty rows instead of holes. */
export function fillHoles(rows: number[][]): number[][] {
  return Array.from(rows, (row) => row ?? []);
}

/** Replaces rows of an RX1 table (for data rates added in a later version). */
export function withRows(table: readonly (readonly number[])[], rows: Record<number, number[]>) {
  const result = table.map((row) => [...row]);
  for (const [index, row] of Object.entries(rows)) result[Number(index)] = row;
  return fillHoles(result);
}

/** Range of integers `from..to` inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The default timing of every band (RECEIVE_DELAY1 1 s, JOIN_ACCEPT_DELAY1 5 s, ...). */
export const defaultSharedParameters: SharedParameters = {
  receiveDelay1: 1000,
  receiveDelay2: 2000,
  joinAcceptDelay1: 5000,
  joinAcceptDelay2: 6000,
  maxFCntGap: 16384,
  adrAckLimit: 64,
  adrAckDelay: 32,
  minRetransmitTimeout: 1000,
  maxRetransmitTimeout: 3000,
  relayForwardDelay: 0,
  relayReceiveDelay: 0,
  servedRelayBackoff: 0,
};

/** RP002-1.0.4 adds the relay timing (RETRANSMIT_TIMEOUT … RELAY_RECEIVE_DELAY). */
export const relaySharedParameters: SharedParameters = {
  ...defaultSharedParameters,
  relayForwardDelay: 50,
  relayReceiveDelay: 18000,
  servedRelayBackoff: 8,
};

/** ERP → EIRP: regulations for some bands are stated in ERP; EIRP = ERP + 2.15 dB. */
export function erpToEirp(erp: number): number {
  return Math.round((erp + 2.15) * 100) / 100;
}

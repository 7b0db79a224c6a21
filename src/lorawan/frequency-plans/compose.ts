import type {
  DownlinkChannel,
  DwellTime,
  FrequencyPlan,
  ListenBeforeTalk,
  Radio,
  RadioTransmitter,
  UplinkChannel,
} from "./types.ts";

/** The fields a variant must always restate: who it is. */
type Identity = Pick<FrequencyPlan, "id" | "name" | "description">;

/** A variant of `base` that records it as its base plan (`baseId`). */
export function variantOf(
  base: FrequencyPlan,
  patch: Identity & Partial<FrequencyPlan>,
): FrequencyPlan {
  return { ...base, baseId: base.id, ...patch };
}

/** A plan written from `base` without being declared its variant (a sibling plan). */
export function basedOn(
  base: FrequencyPlan,
  patch: Identity & Partial<FrequencyPlan>,
): FrequencyPlan {
  const { baseId: _ignored, ...rest } = base;
  return { ...rest, ...patch };
}

interface ChannelRun {
  readonly first: number;
  readonly step: number;
  readonly count: number;
  readonly minDataRate: number;
  readonly maxDataRate: number;
  /** Radio of channel `index` within the run. */
  readonly radio: (index: number) => number;
}

/** `count` evenly spaced uplink channels. */
export function channelRun(run: ChannelRun): UplinkChannel[] {
  return Array.from({ length: run.count }, (_, index) => ({
    frequency: run.first + index * run.step,
    minDataRate: run.minDataRate,
    maxDataRate: run.maxDataRate,
    radio: run.radio(index),
  }));
}

/** Uplink channels given as `[frequency, radio]` pairs sharing one data rate range. */
export function channels(
  minDataRate: number,
  maxDataRate: number,
  list: readonly (readonly [frequency: number, radio: number])[],
): UplinkChannel[] {
  return list.map(([frequency, radio]) => ({ frequency, minDataRate, maxDataRate, radio }));
}

/** Downlink channels on the uplink channels' frequencies (the usual dynamic-channel plan). */
export function downlinksOnUplinks(uplinks: readonly UplinkChannel[]): DownlinkChannel[] {
  return uplinks.map(({ frequency, minDataRate, maxDataRate }) => ({
    frequency,
    minDataRate,
    maxDataRate,
  }));
}

/** A radio with the SX1257 front end (the 860–1020 MHz concentrator reference designs). */
export function sx1257(centerFrequency: number, tx?: RadioTransmitter): Radio {
  return radio("SX1257", -166, centerFrequency, tx);
}

/** A radio with the SX1255 front end (the 400–510 MHz concentrator reference designs). */
export function sx1255(centerFrequency: number, tx?: RadioTransmitter): Radio {
  return radio("SX1255", -176, centerFrequency, tx);
}

function radio(
  chipType: Radio["chipType"],
  rssiOffset: number,
  centerFrequency: number,
  tx: RadioTransmitter | undefined,
): Radio {
  return tx === undefined
    ? { enabled: true, chipType, centerFrequency, rssiOffset }
    : { enabled: true, chipType, centerFrequency, rssiOffset, tx };
}

/** Dwell time limited to 400 ms in both directions (the AS923 `_DT` plans). */
export const dwellTime400msBoth: DwellTime = { uplinks: true, downlinks: true, durationMs: 400 };

/** Dwell time not enforced in either direction. */
export const noDwellTime: DwellTime = { uplinks: false, downlinks: false };

/** Listen-before-talk at −80 dBm with a 128 µs scan (Asian plans; KR920-923). */
export const lbt128us: ListenBeforeTalk = { rssiTarget: -80, rssiOffset: -4, scanTimeUs: 128 };

/** Listen-before-talk at −80 dBm with a 5 ms scan (Japanese carrier-sense rules). */
export const lbt5ms: ListenBeforeTalk = { rssiTarget: -80, rssiOffset: -4, scanTimeUs: 5000 };

/** Country codes written as one space-separated string, to keep long lists readable. */
export function countries(codes: string): readonly string[] {
  return codes.split(/\s+/).filter((code) => code !== "");
}

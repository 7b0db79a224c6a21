import { type Band, getDataRate } from "../lorawan/band/index.ts";
import type {
  DwellTime,
  FrequencyPlan,
  PingSlotParameters,
  SingleDataRateChannel,
  SubBand,
} from "../lorawan/frequency-plans/index.ts";
import type { IndexEntry, PlanFile } from "./yaml-format.ts";

/** The dwell time of the regional parameters (400 ms), where a band limits it at boot. */
const regionalDwellTimeMs = 400;

/** What a plan starts from: its band, and the built-in plan it is based on, if any. */
export interface Foundation {
  band: Band;
  /** A built-in base plan: its resolved values take the place of the band's defaults. */
  base?: FrequencyPlan;
}

/** A problem with one field of a plan: the field path and what is wrong. */
export class PlanFieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/**
 * A plan in our resolved shape from its index entry and its (base-merged) file content: every
 * setting the file leaves out comes from the built-in base plan when there is one, else from
 * the band, as The Things Stack resolves plans. Checks what only the band can tell (data rate
 * indexes) and the references between fields (radio indexes); throws {@link PlanFieldError}.
 */
export function resolvePlan(
  entry: IndexEntry & { baseFrequencyMHz: number },
  file: PlanFile,
  { band, base }: Foundation,
): FrequencyPlan {
  const maxEirp = file["max-eirp"] ?? base?.maxEirp ?? band.defaultMaxEirp;
  const uplinkChannels =
    file["uplink-channels"]?.map((channel) => ({
      frequency: channel.frequency,
      minDataRate: channel["min-data-rate"],
      maxDataRate: channel["max-data-rate"],
      ...(channel.radio === undefined ? {} : { radio: channel.radio }),
    })) ?? base?.uplinkChannels;
  if (uplinkChannels === undefined)
    throw new PlanFieldError(
      "uplink-channels",
      "required (the plan has no base plan to take them from)",
    );
  const plan: FrequencyPlan = {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    bandId: band.id,
    ...(entry["base-id"] === undefined ? {} : { baseId: entry["base-id"] }),
    baseFrequencyMHz: entry.baseFrequencyMHz,
    forGateways: entry.gateways,
    countryCodes: entry["country-codes"],
    subBands: subBands(file, maxEirp, base, band),
    uplinkChannels,
    ...optional(
      "downlinkChannels",
      file["downlink-channels"]?.map((channel) => ({
        frequency: channel.frequency,
        minDataRate: channel["min-data-rate"],
        maxDataRate: channel["max-data-rate"],
      })) ?? base?.downlinkChannels,
    ),
    ...optional(
      "loraStandardChannel",
      single(file["lora-standard-channel"]) ?? base?.loraStandardChannel,
    ),
    ...optional("fskChannel", single(file["fsk-channel"]) ?? base?.fskChannel),
    rx2: {
      frequency: file["rx2-channel"]?.frequency ?? base?.rx2.frequency ?? band.defaultRx2.frequency,
      dataRate:
        file["rx2-default-data-rate"] ?? base?.rx2.dataRate ?? band.defaultRx2.dataRateIndex,
    },
    maxEirp,
    ...optional("dwellTime", dwellTime(file, base, band)),
    ...optional(
      "listenBeforeTalk",
      file["listen-before-talk"]
        ? {
            rssiTarget: file["listen-before-talk"]["rssi-target"],
            rssiOffset: file["listen-before-talk"]["rssi-offset"] ?? 0,
            scanTimeUs: file["listen-before-talk"]["scan-time"] / 1000,
          }
        : base?.listenBeforeTalk,
    ),
    ...optional(
      "timeOffAir",
      file["time-off-air"]
        ? {
            fraction: file["time-off-air"].fraction ?? 0,
            durationMs: (file["time-off-air"].duration ?? 0) / 1e6,
          }
        : base?.timeOffAir,
    ),
    ...optional("pingSlot", pingSlot(file, base)),
    radios:
      file.radios?.map((radio) => ({
        enabled: radio.enable,
        chipType: radio["chip-type"],
        centerFrequency: radio.frequency,
        rssiOffset: radio["rssi-offset"] ?? 0,
        ...optional(
          "tx",
          radio.tx && {
            minFrequency: radio.tx["min-frequency"],
            maxFrequency: radio.tx["max-frequency"],
            ...optional("notchFrequency", radio.tx["notch-frequency"]),
          },
        ),
      })) ??
      base?.radios ??
      [],
    ...optional("clockSource", file["clock-source"] ?? base?.clockSource),
  };
  check(plan, band);
  return plan;
}

/** `{ [key]: value }`, or nothing when `value` is undefined: absent fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function single(
  channel: { frequency: number; "data-rate": number; radio: number } | undefined,
): SingleDataRateChannel | undefined {
  return (
    channel && {
      frequency: channel.frequency,
      dataRate: channel["data-rate"],
      radio: channel.radio,
    }
  );
}

/** A sub-band without its own duty cycle (or with 0, as TTS reads it) has none: 1. */
function subBands(
  file: PlanFile,
  maxEirp: number,
  base: FrequencyPlan | undefined,
  band: Band,
): readonly SubBand[] {
  const own = file["sub-bands"]?.map((subBand) => ({
    minFrequency: subBand["min-frequency"],
    maxFrequency: subBand["max-frequency"],
    dutyCycle: subBand["duty-cycle"] || 1,
    maxEirp: subBand["max-eirp"] ?? maxEirp,
  }));
  return (
    own ??
    base?.subBands ??
    band.subBands.map(({ minFrequency, maxFrequency, dutyCycle, maxEirp }) => ({
      minFrequency,
      maxFrequency,
      dutyCycle,
      maxEirp,
    }))
  );
}

/**
 * The file's dwell time (a direction it leaves out follows the band's boot setting), else the
 * base plan's, else the band's boot dwell time with the regional 400 ms.
 */
function dwellTime(
  file: PlanFile,
  base: FrequencyPlan | undefined,
  band: Band,
): DwellTime | undefined {
  const own = file["dwell-time"];
  if (own) {
    const uplinks = own.uplinks ?? band.bootDwellTime.uplinks ?? false;
    const downlinks = own.downlinks ?? band.bootDwellTime.downlinks ?? false;
    if (!uplinks && !downlinks) return { uplinks, downlinks };
    // A limit the file sets needs its duration; one left to the band is the regional 400 ms.
    if (own.duration === undefined && (own.uplinks === true || own.downlinks === true))
      throw new PlanFieldError("dwell-time.duration", "required when uplinks or downlinks is true");
    const durationMs = own.duration === undefined ? regionalDwellTimeMs : own.duration / 1e6;
    return { uplinks, downlinks, durationMs };
  }
  if (base) return base.dwellTime;
  const { uplinks, downlinks } = band.bootDwellTime;
  if (uplinks === undefined && downlinks === undefined) return undefined;
  const limited = uplinks === true || downlinks === true;
  return {
    uplinks: uplinks ?? false,
    downlinks: downlinks ?? false,
    ...(limited ? { durationMs: regionalDwellTimeMs } : {}),
  };
}

function pingSlot(file: PlanFile, base: FrequencyPlan | undefined): PingSlotParameters | undefined {
  const frequency = file["ping-slot"]?.frequency;
  const dataRate = file["ping-slot-default-data-rate"];
  if (frequency === undefined && dataRate === undefined) return base?.pingSlot;
  return {
    ...optional("frequency", frequency ?? base?.pingSlot?.frequency),
    ...optional("dataRate", dataRate ?? base?.pingSlot?.dataRate),
  };
}

/** What the schema cannot check alone: data rates of the band, radio references, ranges. */
function check(plan: FrequencyPlan, band: Band): void {
  const dataRateExists = (field: string, index: number) => {
    if (getDataRate(band, index) === undefined)
      throw new PlanFieldError(field, `band ${band.id} has no data rate ${index}`);
  };
  const radioExists = (field: string, radio: number | undefined) => {
    if (radio !== undefined && plan.radios.length > 0 && radio >= plan.radios.length)
      throw new PlanFieldError(
        field,
        `radio ${radio}, but the plan has ${plan.radios.length} radios`,
      );
  };
  const channelLists = [
    ["uplink-channels", plan.uplinkChannels],
    ["downlink-channels", plan.downlinkChannels ?? []],
  ] as const;
  for (const [list, channels] of channelLists) {
    channels.forEach((channel, index) => {
      const field = `${list}[${index}]`;
      dataRateExists(`${field}.min-data-rate`, channel.minDataRate);
      dataRateExists(`${field}.max-data-rate`, channel.maxDataRate);
      if (channel.minDataRate > channel.maxDataRate)
        throw new PlanFieldError(`${field}.min-data-rate`, "is above max-data-rate");
      if ("radio" in channel) radioExists(`${field}.radio`, channel.radio as number | undefined);
    });
  }
  const singles = [
    ["lora-standard-channel", plan.loraStandardChannel],
    ["fsk-channel", plan.fskChannel],
  ] as const;
  for (const [field, channel] of singles) {
    if (channel === undefined) continue;
    dataRateExists(`${field}.data-rate`, channel.dataRate);
    radioExists(`${field}.radio`, channel.radio);
  }
  dataRateExists("rx2-default-data-rate", plan.rx2.dataRate);
  if (plan.pingSlot?.dataRate !== undefined)
    dataRateExists("ping-slot-default-data-rate", plan.pingSlot.dataRate);
  plan.subBands.forEach((subBand, index) => {
    if (subBand.minFrequency > subBand.maxFrequency)
      throw new PlanFieldError(`sub-bands[${index}].min-frequency`, "is above max-frequency");
  });
  plan.radios.forEach((radio, index) => {
    if (radio.tx && radio.tx.minFrequency > radio.tx.maxFrequency)
      throw new PlanFieldError(`radios[${index}].tx.min-frequency`, "is above max-frequency");
  });
  // clock-source is not checked against the radios: published plans (AS_923) name radio 1
  // with one radio, and concentrators take it as it is.
}

/**
 * The MAC state of a new session, as The Things Stack's Network Server builds it: what the
 * device uses when the session starts (the regional defaults, or what its MAC settings say it
 * was configured with) and what the Network Server will steer it to (the frequency plan, the
 * desired MAC settings). The MAC commands then move the current parameters to the desired ones.
 */
import { clone, create } from "@bufbuild/protobuf";
import { errorNamespace } from "../../errors/index.ts";
import {
  type EndDevice,
  type MACParameters,
  type MACParameters_Channel,
  MACParameters_ChannelSchema,
  MACParametersSchema,
  type MACSettings,
  type MACState,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  AggregatedDutyCycle,
  Class,
  MACVersion,
  PingSlotPeriodValueSchema,
  RejoinCountExponent,
  RejoinTimeExponent,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type Band, findDataRateIndex, getDataRate, latestBand } from "../../lorawan/band/index.ts";
import type { FrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { MAX_EIRP_TABLE } from "../../lorawan/mac/index.ts";
import { hasDynamicChannels } from "./channels.ts";
import { versionAtLeast } from "./commands.ts";

const errors = errorNamespace("networkserver/mac");

/** A multicast group must be class B or C: it never sends the uplinks class A answers. */
export const errClassAMulticast = errors.invalidArgument(
  "class_a_multicast",
  "multicast device in class A mode",
);
/** A plan's channel data rate that the device's regional parameters version does not have. */
export const errUnmappedDataRate = errors.invalidArgument(
  "data_rate_not_in_band",
  "data rate {index} of frequency plan `{plan}` does not exist in band `{band}` {version}",
);

/** The device's frequency plan and its band in the device's regional parameters version. */
export interface PlanAndBand {
  plan: FrequencyPlan;
  band: Band;
}

/** The first value that is set (not `undefined`); the last one is the fallback. */
function firstSet<T>(...values: [...(T | undefined)[], T]): T {
  return (values.find((value) => value !== undefined) ?? values[values.length - 1]) as T;
}

/** A frequency setting, where 0 means "not set" (as The Things Stack reads them). */
function frequency(value: { value: bigint } | undefined): bigint | undefined {
  return value && value.value !== 0n ? value.value : undefined;
}

/** The exponent of a power of two (ADR_ACK_LIMIT and ADR_ACK_DELAY are stored as exponents). */
const exponentOf = (count: number) => Math.round(Math.log2(count));

/** The LoRaWAN class a new session starts in; throws `class_a_multicast`. */
export function initialDeviceClass(device: EndDevice): Class {
  // Before 1.1 there is no DeviceModeInd: a class C device of 1.0.x is in class C at once.
  if (!versionAtLeast(stateOf(device), MACVersion.MAC_V1_1) && device.supportsClassC) {
    return Class.C;
  }
  if (!device.multicast) return Class.A;
  if (device.supportsClassC) return Class.C;
  if (device.supportsClassB) return Class.B;
  throw errClassAMulticast.create();
}

/** The MAC version a new session runs: 1.1 and later start as 1.1 until RekeyInd says more. */
function initialLorawanVersion(device: EndDevice): MACVersion {
  if (device.multicast) return device.lorawanVersion;
  return versionAtLeast(stateOf(device), MACVersion.MAC_V1_1)
    ? MACVersion.MAC_V1_1
    : device.lorawanVersion;
}

const stateOf = (device: EndDevice) =>
  create(MACStateSchema, { lorawanVersion: device.lorawanVersion });

/**
 * The band's default channels, as the device knows them at boot. With factory preset
 * frequencies (ABP), only those are enabled; a preset frequency that is not a default channel
 * is added with data rates 0 up to the band's highest ADR data rate (the preset list says
 * nothing about data rates). A multicast group only has downlink frequencies.
 */
export function defaultChannels(
  device: EndDevice,
  band: Band,
  defaults: MACSettings,
): MACParameters_Channel[] {
  const fromDevice = device.macSettings?.factoryPresetFrequencies ?? [];
  const presets = fromDevice.length > 0 ? fromDevice : defaults.factoryPresetFrequencies;
  const channels = band.uplinkChannels.map((channel, i) => {
    const downlink = band.downlinkChannels[i % band.downlinkChannels.length]?.frequency;
    const downlinkFrequency = BigInt(downlink ?? channel.frequency);
    if (device.multicast) return create(MACParameters_ChannelSchema, { downlinkFrequency });
    return create(MACParameters_ChannelSchema, {
      uplinkFrequency: BigInt(channel.frequency),
      downlinkFrequency,
      minDataRateIndex: channel.minDataRate,
      maxDataRateIndex: channel.maxDataRate,
      enableUplink: presets.length === 0,
    });
  });
  for (const preset of presets) {
    const known = channels.find((channel) => channel.uplinkFrequency === preset);
    if (known) {
      known.enableUplink = true;
      continue;
    }
    channels.push(
      device.multicast
        ? create(MACParameters_ChannelSchema, { downlinkFrequency: preset })
        : create(MACParameters_ChannelSchema, {
            uplinkFrequency: preset,
            downlinkFrequency: preset,
            maxDataRateIndex: band.maxAdrDataRateIndex,
            enableUplink: true,
          }),
    );
  }
  return channels;
}

/**
 * Maps a data rate index of the plan (resolved against the band's newest regional parameters)
 * to the device's version of the band, by modulation.
 */
function dataRateMapper(band: Band): (index: number) => number | undefined {
  const planBand = latestBand(band.id) ?? band;
  if (planBand === band) return (index) => index;
  return (index) => {
    const rate = getDataRate(planBand, index);
    return rate ? findDataRateIndex(band, rate.modulation) : undefined;
  };
}

/**
 * The channels the Network Server steers the device to: the default channels disabled, then
 * the plan's uplink channels enabled (existing ones take the plan's data rates, others are
 * added). Dynamic bands end with the defaults plus the plan's extra channels; fixed bands
 * (US915, AU915, CN470) with only the plan's sub-band enabled, and its wide channel.
 */
export function desiredChannels(
  device: EndDevice,
  { plan, band }: PlanAndBand,
  defaults: MACSettings,
): MACParameters_Channel[] {
  const channels = defaultChannels(device, band, defaults).map((channel) =>
    create(MACParameters_ChannelSchema, {
      uplinkFrequency: channel.uplinkFrequency,
      downlinkFrequency: channel.downlinkFrequency,
      minDataRateIndex: channel.minDataRateIndex,
      maxDataRateIndex: channel.maxDataRateIndex,
    }),
  );
  const mapDataRate = dataRateMapper(band);
  // A fixed band's wide channel (US915 channel 65 for FSB2) is on the plan's gateways as its
  // LoRa standard channel. The Things Stack leaves it off; we enable it, as the 8+1 sub-band.
  const standard = plan.loraStandardChannel;
  const wide =
    standard && !hasDynamicChannels(band)
      ? channels.find((channel) => channel.uplinkFrequency === BigInt(standard.frequency))
      : undefined;
  if (standard && wide) {
    const index = mapDataRate(standard.dataRate);
    if (index !== undefined) {
      wide.minDataRateIndex = index;
      wide.maxDataRateIndex = index;
      wide.enableUplink = true;
    }
  }
  plan.uplinkChannels.forEach((planChannel, i) => {
    const maxDataRateIndex = mapDataRate(planChannel.maxDataRate);
    if (maxDataRateIndex === undefined) {
      throw errUnmappedDataRate.create({
        index: planChannel.maxDataRate,
        plan: plan.id,
        band: band.id,
        version: band.version,
      });
    }
    // A minimum the older band lacks falls back to DR0, as The Things Stack maps it.
    const minDataRateIndex = mapDataRate(planChannel.minDataRate) ?? 0;
    const uplinkFrequency = BigInt(planChannel.frequency);
    const known = channels.find((channel) => channel.uplinkFrequency === uplinkFrequency);
    if (known) {
      known.minDataRateIndex = minDataRateIndex;
      known.maxDataRateIndex = maxDataRateIndex;
      known.enableUplink = true;
      return;
    }
    const downlink = plan.downlinkChannels?.[i]?.frequency ?? planChannel.frequency;
    channels.push(
      create(MACParameters_ChannelSchema, {
        uplinkFrequency,
        downlinkFrequency: BigInt(downlink),
        minDataRateIndex,
        maxDataRateIndex,
        enableUplink: true,
      }),
    );
  });
  return channels;
}

/** What the device uses when the session starts. */
function currentParameters(device: EndDevice, band: Band, defaults: MACSettings): MACParameters {
  const settings = device.macSettings;
  const dwellTime = (own: { value: boolean } | undefined, boot: boolean | undefined) => {
    // Bands without TxParamSetupReq have no dwell time the Network Server could change.
    if (!band.txParamSetupReqSupport) return undefined;
    const value = own?.value ?? boot;
    return value === undefined ? undefined : { value };
  };
  const pingSlotDataRateIndex = firstSet(
    settings?.pingSlotDataRateIndex?.value,
    defaults.pingSlotDataRateIndex?.value,
    band.beacon.dataRateIndex,
  );
  return create(MACParametersSchema, {
    maxEirp: band.defaultMaxEirp,
    adrDataRateIndex: 0,
    adrTxPowerIndex: 0,
    adrNbTrans: 1,
    rx1Delay: firstSet(
      settings?.rx1Delay?.value,
      defaults.rx1Delay?.value,
      band.sharedParameters.receiveDelay1 / 1000,
    ),
    rx1DataRateOffset: firstSet(
      settings?.rx1DataRateOffset?.value,
      defaults.rx1DataRateOffset?.value,
      0,
    ),
    rx2DataRateIndex: firstSet(
      settings?.rx2DataRateIndex?.value,
      defaults.rx2DataRateIndex?.value,
      band.defaultRx2.dataRateIndex,
    ),
    rx2Frequency: firstSet(
      frequency(settings?.rx2Frequency),
      frequency(defaults.rx2Frequency),
      BigInt(band.defaultRx2.frequency),
    ),
    maxDutyCycle: firstSet(
      settings?.maxDutyCycle?.value,
      defaults.maxDutyCycle?.value,
      AggregatedDutyCycle.DUTY_CYCLE_1,
    ),
    rejoinTimePeriodicity: RejoinTimeExponent.REJOIN_TIME_0,
    rejoinCountPeriodicity: RejoinCountExponent.REJOIN_COUNT_16,
    // Several band frequencies mean hopping (0): only a single one is a fixed default.
    pingSlotFrequency: firstSet(
      frequency(settings?.pingSlotFrequency),
      frequency(defaults.pingSlotFrequency),
      band.pingSlotFrequencies.length === 1 ? BigInt(band.pingSlotFrequencies[0] ?? 0) : 0n,
    ),
    beaconFrequency: firstSet(
      frequency(settings?.beaconFrequency),
      defaults.beaconFrequency?.value,
      0n,
    ),
    channels: defaultChannels(device, band, defaults),
    // The device boots with the band's dwell time; the plan's is desired, never assumed.
    uplinkDwellTime: dwellTime(settings?.uplinkDwellTime, band.bootDwellTime.uplinks),
    downlinkDwellTime: dwellTime(settings?.downlinkDwellTime, band.bootDwellTime.downlinks),
    adrAckLimitExponent: { value: exponentOf(band.sharedParameters.adrAckLimit) },
    adrAckDelayExponent: { value: exponentOf(band.sharedParameters.adrAckDelay) },
    pingSlotDataRateIndexValue: { value: pingSlotDataRateIndex },
  });
}

/** What the Network Server steers the device to. */
function desiredParameters(
  device: EndDevice,
  { plan, band }: PlanAndBand,
  defaults: MACSettings,
  current: MACParameters,
): MACParameters {
  const settings = device.macSettings;
  const desiredEirp = settings?.desiredMaxEirp;
  const planEirp =
    plan.maxEirp > 0 && plan.maxEirp < band.defaultMaxEirp ? plan.maxEirp : undefined;
  const dwellTime = (planValue: boolean | undefined) =>
    // A band with TxParamSetupReq limits dwell time unless the plan says otherwise.
    band.txParamSetupReqSupport ? { value: planValue ?? true } : undefined;
  return create(MACParametersSchema, {
    maxEirp: firstSet(
      desiredEirp ? MAX_EIRP_TABLE[desiredEirp.value] : undefined,
      planEirp,
      band.defaultMaxEirp,
    ),
    adrDataRateIndex: 0,
    adrTxPowerIndex: 0,
    adrNbTrans: 1,
    rx1Delay: firstSet(
      settings?.desiredRx1Delay?.value,
      defaults.desiredRx1Delay?.value,
      current.rx1Delay,
    ),
    rx1DataRateOffset: firstSet(
      settings?.desiredRx1DataRateOffset?.value,
      defaults.desiredRx1DataRateOffset?.value,
      current.rx1DataRateOffset,
    ),
    rx2DataRateIndex: firstSet(
      settings?.desiredRx2DataRateIndex?.value,
      plan.rx2.dataRate,
      defaults.desiredRx2DataRateIndex?.value,
      current.rx2DataRateIndex,
    ),
    rx2Frequency: firstSet(
      frequency(settings?.desiredRx2Frequency),
      plan.rx2.frequency > 0 ? BigInt(plan.rx2.frequency) : undefined,
      frequency(defaults.desiredRx2Frequency),
      current.rx2Frequency,
    ),
    maxDutyCycle: firstSet(
      settings?.desiredMaxDutyCycle?.value,
      defaults.desiredMaxDutyCycle?.value,
      current.maxDutyCycle,
    ),
    rejoinTimePeriodicity: RejoinTimeExponent.REJOIN_TIME_0,
    rejoinCountPeriodicity: RejoinCountExponent.REJOIN_COUNT_16,
    pingSlotFrequency: firstSet(
      frequency(settings?.desiredPingSlotFrequency),
      plan.pingSlot?.frequency ? BigInt(plan.pingSlot.frequency) : undefined,
      frequency(defaults.desiredPingSlotFrequency),
      current.pingSlotFrequency,
    ),
    beaconFrequency: firstSet(
      frequency(settings?.desiredBeaconFrequency),
      frequency(defaults.desiredBeaconFrequency),
      current.beaconFrequency,
    ),
    channels: desiredChannels(device, { plan, band }, defaults),
    uplinkDwellTime: dwellTime(plan.dwellTime?.uplinks),
    downlinkDwellTime: dwellTime(plan.dwellTime?.downlinks),
    adrAckLimitExponent: {
      value: firstSet(
        settings?.desiredAdrAckLimitExponent?.value,
        defaults.desiredAdrAckLimitExponent?.value,
        exponentOf(band.sharedParameters.adrAckLimit),
      ),
    },
    adrAckDelayExponent: {
      value: firstSet(
        settings?.desiredAdrAckDelayExponent?.value,
        defaults.desiredAdrAckDelayExponent?.value,
        exponentOf(band.sharedParameters.adrAckDelay),
      ),
    },
    pingSlotDataRateIndexValue: {
      value: firstSet(
        settings?.desiredPingSlotDataRateIndex?.value,
        plan.pingSlot?.dataRate,
        defaults.desiredPingSlotDataRateIndex?.value,
        current.pingSlotDataRateIndexValue?.value ?? band.beacon.dataRateIndex,
      ),
    },
  });
}

/**
 * The MAC state of a new session (OTAA join, ABP creation, reset), as The Things Stack's
 * `NewState`: current parameters from the regional parameters and the device's MAC settings
 * (`defaults` fill what the device leaves out), desired ones from the frequency plan and the
 * desired MAC settings. A multicast group is never steered: desired equals current. Throws
 * `class_a_multicast` for a multicast group of neither class B nor C, and
 * `data_rate_not_in_band` when a plan channel's data rate is not in the device's band version.
 */
export function newMacState(
  device: EndDevice,
  planAndBand: PlanAndBand,
  defaults: MACSettings,
): MACState {
  const deviceClass = initialDeviceClass(device);
  const current = currentParameters(device, planAndBand.band, defaults);
  const desired = device.multicast
    ? clone(MACParametersSchema, current)
    : desiredParameters(device, planAndBand, defaults, current);
  const pingSlotPeriodicity =
    device.macSettings?.pingSlotPeriodicity ?? defaults.pingSlotPeriodicity;
  return create(MACStateSchema, {
    lorawanVersion: initialLorawanVersion(device),
    deviceClass,
    ...(pingSlotPeriodicity
      ? { pingSlotPeriodicity: clone(PingSlotPeriodValueSchema, pingSlotPeriodicity) }
      : {}),
    currentParameters: current,
    desiredParameters: desired,
  });
}

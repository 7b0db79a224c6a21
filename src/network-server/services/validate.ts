/**
 * What a Set's values must be, as The Things Stack's Network Server checks them: each rule
 * applies when the field mask names its field (or a message holding it). Rules that need the
 * device's band run once the band is known.
 */
import type { Duration } from "@bufbuild/protobuf/wkt";
import type { EndDevice, MACSettings } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  MACVersion,
  MACVersionSchema,
  PHYVersionSchema,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { Band } from "../../lorawan/band/types.ts";
import { errInvalidFieldValue } from "./errors.ts";
import { covers } from "./field-masks.ts";

/** A rule: the field it checks and whether a device's value is valid. */
type Rule = readonly [field: string, valid: (device: EndDevice) => boolean];
/** A rule that needs the band. */
type BandRule = readonly [field: string, valid: (device: EndDevice, band: Band) => boolean];

const MIN_FREQUENCY = 100_000;
const MAX_FACTORY_PRESET_FREQUENCIES = 96;
const AES_KEY_LENGTH = 16;

const isEnumValue = (schema: typeof MACVersionSchema | typeof PHYVersionSchema, value: number) =>
  value !== 0 && schema.values.some((known) => known.number === value);
const inRange = (value: number | undefined, min: number, max: number) =>
  value === undefined || (Number.isInteger(value) && value >= min && value <= max);
const frequency = (value: bigint | undefined) =>
  value === undefined || value >= BigInt(MIN_FREQUENCY);
const nonNegative = (value: Duration | undefined) =>
  value === undefined || (value.seconds >= 0n && value.nanos >= 0);
const keyOf = (length: number | undefined) => length === AES_KEY_LENGTH;
const settings = (device: EndDevice): Partial<MACSettings> => device.macSettings ?? {};

/** Rules on the values alone. */
const rules: readonly Rule[] = [
  ["frequency_plan_id", (device) => device.frequencyPlanId !== ""],
  ["lorawan_version", (device) => isEnumValue(MACVersionSchema, device.lorawanVersion)],
  ["lorawan_phy_version", (device) => isEnumValue(PHYVersionSchema, device.lorawanPhyVersion)],
  [
    "session.dev_addr",
    (device) =>
      device.session?.devAddr.length === 4 && device.session.devAddr.some((byte) => byte !== 0),
  ],
  ["session.keys.f_nwk_s_int_key.key", (d) => keyOf(d.session?.keys?.fNwkSIntKey?.key.length)],
  ["session.keys.s_nwk_s_int_key.key", (d) => keyOf(d.session?.keys?.sNwkSIntKey?.key.length)],
  ["session.keys.nwk_s_enc_key.key", (d) => keyOf(d.session?.keys?.nwkSEncKey?.key.length)],
  ["session.keys.session_key_id", (d) => (d.session?.keys?.sessionKeyId.length ?? 0) > 0],
  ["mac_settings.rx1_delay", (d) => inRange(settings(d).rx1Delay?.value, 0, 15)],
  ["mac_settings.desired_rx1_delay", (d) => inRange(settings(d).desiredRx1Delay?.value, 0, 15)],
  ["mac_settings.rx1_data_rate_offset", (d) => inRange(settings(d).rx1DataRateOffset?.value, 0, 7)],
  [
    "mac_settings.desired_rx1_data_rate_offset",
    (d) => inRange(settings(d).desiredRx1DataRateOffset?.value, 0, 7),
  ],
  ["mac_settings.rx2_frequency", (d) => frequency(settings(d).rx2Frequency?.value)],
  ["mac_settings.desired_rx2_frequency", (d) => frequency(settings(d).desiredRx2Frequency?.value)],
  [
    "mac_settings.ping_slot_frequency",
    (d) => frequency(nonZero(settings(d).pingSlotFrequency?.value)),
  ],
  ["mac_settings.beacon_frequency", (d) => frequency(nonZero(settings(d).beaconFrequency?.value))],
  [
    "mac_settings.ping_slot_periodicity",
    (d) => inRange(settings(d).pingSlotPeriodicity?.value, 0, 7),
  ],
  ["mac_settings.max_duty_cycle", (d) => inRange(settings(d).maxDutyCycle?.value, 0, 15)],
  [
    "mac_settings.desired_max_duty_cycle",
    (d) => inRange(settings(d).desiredMaxDutyCycle?.value, 0, 15),
  ],
  [
    "mac_settings.factory_preset_frequencies",
    (d) => {
      const list = settings(d).factoryPresetFrequencies ?? [];
      return (
        list.length <= MAX_FACTORY_PRESET_FREQUENCIES &&
        list.every((value) => value >= BigInt(MIN_FREQUENCY))
      );
    },
  ],
  ["mac_settings.class_b_timeout", (d) => nonNegative(settings(d).classBTimeout)],
  ["mac_settings.class_c_timeout", (d) => nonNegative(settings(d).classCTimeout)],
  ["mac_settings.status_time_periodicity", (d) => nonNegative(settings(d).statusTimePeriodicity)],
  [
    "mac_settings.class_b_c_downlink_interval",
    (d) => nonNegative(settings(d).classBCDownlinkInterval),
  ],
  [
    "mac_settings.adr.mode.dynamic.margin",
    (d) => {
      const mode = settings(d).adr?.mode;
      const margin = mode?.case === "dynamic" ? mode.value.margin : undefined;
      return margin === undefined || (Number.isFinite(margin) && margin >= 0 && margin <= 100);
    },
  ],
];

/** A data rate index the band has. */
const bandDataRate = (index: number | undefined, band: Band) =>
  index === undefined || band.dataRates.some((rate) => rate.index === index);

/** Rules against the device's band. */
const bandRules: readonly BandRule[] = [
  [
    "mac_settings.rx2_data_rate_index",
    (d, band) => bandDataRate(settings(d).rx2DataRateIndex?.value, band),
  ],
  [
    "mac_settings.desired_rx2_data_rate_index",
    (d, band) => bandDataRate(settings(d).desiredRx2DataRateIndex?.value, band),
  ],
  [
    "mac_settings.ping_slot_data_rate_index",
    (d, band) => bandDataRate(settings(d).pingSlotDataRateIndex?.value, band),
  ],
  [
    "mac_settings.desired_ping_slot_data_rate_index",
    (d, band) => bandDataRate(settings(d).desiredPingSlotDataRateIndex?.value, band),
  ],
  [
    "mac_settings.adr.mode.static.data_rate_index",
    (d, band) => {
      const mode = settings(d).adr?.mode;
      return mode?.case !== "static" || bandDataRate(mode.value.dataRateIndex, band);
    },
  ],
  [
    "mac_settings.adr.mode.static.tx_power_index",
    (d, band) => {
      const mode = settings(d).adr?.mode;
      return mode?.case !== "static" || mode.value.txPowerIndex < band.txPowerOffsets.length;
    },
  ],
];

function nonZero(value: bigint | undefined): bigint | undefined {
  return value === 0n ? undefined : value;
}

/** Whether the mask names `field`: the field itself, a message holding it, or a part of it. */
function named(paths: readonly string[], field: string): boolean {
  return paths.some((path) => covers(path, field) || covers(field, path));
}

function check<A extends unknown[]>(
  table: readonly (readonly [string, (device: EndDevice, ...rest: A) => boolean])[],
  device: EndDevice,
  paths: readonly string[],
  ...rest: A
): void {
  for (const [field, valid] of table)
    if (named(paths, field) && !valid(device, ...rest))
      throw errInvalidFieldValue.create({ field });
}

/** Checks the masked values of a Set; throws `invalid_field_value` naming the first bad field. */
export function validateValues(device: EndDevice, paths: readonly string[]): void {
  check(rules, device, paths);
  // A multicast group has no device to join.
  if (
    named(paths, "multicast") &&
    named(paths, "supports_join") &&
    device.multicast &&
    device.supportsJoin
  )
    throw errInvalidFieldValue.create({ field: "supports_join" });
}

/** Checks the masked values that depend on the device's band. */
export function validateAgainstBand(device: EndDevice, paths: readonly string[], band: Band): void {
  check(bandRules, device, paths, band);
}

/** Whether a LoRaWAN version has separate network session keys (1.1 and later). */
export function hasSeparateNetworkKeys(version: MACVersion): boolean {
  return version === MACVersion.MAC_V1_1 || version === MACVersion.MAC_V1_2_0;
}

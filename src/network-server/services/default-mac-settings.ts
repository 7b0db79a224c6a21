import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { type MACSettings, MACSettingsSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { defaultSharedParameters } from "../../lorawan/band/define.ts";
import type { NetworkServerConfig } from "../config.ts";
import type { DeviceBand } from "./device-band.ts";

/** The essentials of `ns.default_mac_settings`. */
export type DefaultMacSettingsConfig = NetworkServerConfig["ns"]["default_mac_settings"];

/**
 * The MAC settings a device of this plan and band gets when it has none of its own, as The
 * Things Stack's `GetDefaultMACSettings` answers: the band's receive windows and the plan's
 * RX2 as desired, the configured timeouts, status periodicity and ADR margin.
 */
export function defaultMacSettings(
  { plan, band }: DeviceBand,
  config: DefaultMacSettingsConfig,
): MACSettings {
  // A device starts on the band's RX2 and is moved to the plan's (RXParamSetupReq).
  const rx2 = band.defaultRx2;
  const desiredRx2 = plan.rx2;
  const pingSlotFrequency = plan.pingSlot?.frequency ?? band.pingSlotFrequencies[0];
  const beaconFrequency = band.beacon.frequencies[0];
  const pingSlotDataRateIndex = plan.pingSlot?.dataRate ?? band.beacon.dataRateIndex;
  const dwellTime = plan.dwellTime;
  return create(MACSettingsSchema, {
    classBTimeout: durationFromMs(config.class_b_timeout),
    classCTimeout: durationFromMs(config.class_c_timeout),
    // Every band has the LoRaWAN default RECEIVE_DELAY1 (1 s).
    rx1Delay: { value: defaultSharedParameters.receiveDelay1 / 1000 },
    rx1DataRateOffset: { value: 0 },
    rx2DataRateIndex: { value: rx2.dataRateIndex },
    rx2Frequency: { value: BigInt(rx2.frequency) },
    pingSlotDataRateIndex: { value: pingSlotDataRateIndex },
    desiredPingSlotDataRateIndex: { value: pingSlotDataRateIndex },
    ...(pingSlotFrequency
      ? {
          pingSlotFrequency: { value: BigInt(pingSlotFrequency) },
          desiredPingSlotFrequency: { value: BigInt(pingSlotFrequency) },
        }
      : {}),
    ...(beaconFrequency
      ? {
          beaconFrequency: { value: BigInt(beaconFrequency) },
          desiredBeaconFrequency: { value: BigInt(beaconFrequency) },
        }
      : {}),
    maxDutyCycle: { value: 0 },
    desiredMaxDutyCycle: { value: 0 },
    desiredRx1DataRateOffset: { value: 0 },
    desiredRx2DataRateIndex: { value: desiredRx2.dataRate },
    desiredRx2Frequency: { value: BigInt(desiredRx2.frequency) },
    scheduleDownlinks: { value: true },
    ...(dwellTime
      ? {
          uplinkDwellTime: { value: dwellTime.uplinks },
          downlinkDwellTime: { value: dwellTime.downlinks },
        }
      : {}),
    supports32BitFCnt: { value: true },
    resetsFCnt: { value: false },
    statusTimePeriodicity: durationFromMs(config.status_time_periodicity),
    statusCountPeriodicity: config.status_count_periodicity,
    desiredRx1Delay: { value: config.desired_rx1_delay },
    adr: { mode: { case: "dynamic", value: { margin: config.adr_margin } } },
  });
}

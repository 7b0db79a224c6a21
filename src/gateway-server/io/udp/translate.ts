/**
 * Semtech UDP packets (decoded by src/gateway-protocols/semtech-udp) into The Things Stack's
 * messages and back: `rxpk` → `UplinkMessage` with its clock sample, `stat` →
 * `GatewayStatus`, `txpk_ack` → `TxAcknowledgment_Result`, scheduled `TxSettings` → `txpk`.
 * Pure: no I/O, no clock.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type GatewayStat,
  type RxPacket,
  statusMaps,
  type TxAckError,
  type TxPacket,
  type DataRate as WireDataRate,
} from "../../../gateway-protocols/semtech-udp/index.ts";
import { type GatewayStatus, GatewayStatusSchema } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  type DataRate,
  DataRateSchema,
  type TxSettings,
} from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  TxAcknowledgment_Result,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import { LocationSource } from "../../../gen/ttn/lorawan/v3/metadata_pb.js";
import type { ClockSample } from "../../connections/connection.ts";
import { gpsUsToUnixMs } from "../../connections/scheduling.ts";

function dataRateMessage(dataRate: WireDataRate, codingRate: string | undefined): DataRate {
  switch (dataRate.modulation) {
    case "LORA":
      return create(DataRateSchema, {
        modulation: {
          case: "lora",
          value: {
            spreadingFactor: dataRate.spreadingFactor,
            bandwidth: dataRate.bandwidth,
            codingRate: codingRate && codingRate !== "OFF" && codingRate !== "?" ? codingRate : "",
          },
        },
      });
    case "FSK":
      return create(DataRateSchema, {
        modulation: { case: "fsk", value: { bitRate: dataRate.bitRate } },
      });
    case "LR-FHSS":
      return create(DataRateSchema, {
        modulation: {
          case: "lrfhss",
          value: {
            modulationType: dataRate.modulationType,
            operatingChannelWidth: dataRate.operatingChannelWidth,
            codingRate: codingRate ?? "",
          },
        },
      });
  }
}

/** A GPS time in ms since the GPS epoch (`tmms`) as a protobuf timestamp. */
function gpsTimestamp(gpsMs: number) {
  return timestampFromMs(Math.round(gpsUsToUnixMs(gpsMs * 1000)));
}

/**
 * One `rxpk` as an `UplinkMessage` (settings and one Rx metadata per antenna: `rsig` entries
 * when the gateway sends them, else one from the packet's own fields), and its clock sample
 * for the scheduler (the tmst at `serverUs`, the GPS time from `tmms`). No sample without
 * `tmst`.
 */
export function uplinkFromRxpk(
  rxpk: RxPacket,
  serverUs: number,
): { uplink: UplinkMessage; clock: ClockSample | undefined } {
  const timestamp = rxpk.timestamp ?? 0;
  const time = rxpk.time === undefined ? undefined : timestampFromMs(Math.floor(rxpk.time / 1000));
  const gpsTime = rxpk.gpsTime === undefined ? undefined : gpsTimestamp(rxpk.gpsTime);
  const common = {
    timestamp,
    time,
    gpsTime,
    channelIndex: rxpk.channel ?? 0,
    fineTimestamp: rxpk.fineTimestamp === undefined ? 0n : BigInt(rxpk.fineTimestamp),
  };
  const rxMetadata =
    rxpk.signals && rxpk.signals.length > 0
      ? rxpk.signals.map((signal) => ({
          ...common,
          antennaIndex: signal.antenna ?? 0,
          channelIndex: signal.channel ?? common.channelIndex,
          rssi: signal.channelRssi ?? rxpk.rssi ?? 0,
          channelRssi: signal.channelRssi ?? rxpk.rssi ?? 0,
          signalRssi: signal.signalRssi,
          rssiStandardDeviation: signal.rssiStandardDeviation ?? 0,
          snr: signal.snr ?? rxpk.snr ?? 0,
          frequencyOffset: BigInt(Math.round(signal.frequencyOffset ?? rxpk.frequencyOffset ?? 0)),
          fineTimestamp:
            signal.fineTimestamp === undefined
              ? common.fineTimestamp
              : BigInt(signal.fineTimestamp),
          encryptedFineTimestamp: signal.encryptedFineTimestamp ?? new Uint8Array(),
          encryptedFineTimestampKeyId: rxpk.aesKey === undefined ? "" : String(rxpk.aesKey),
          frequencyDrift: signal.frequencyDrift ?? 0,
        }))
      : [
          {
            ...common,
            antennaIndex: 0,
            rssi: rxpk.rssi ?? 0,
            channelRssi: rxpk.rssi ?? 0,
            signalRssi: rxpk.signalRssi,
            snr: rxpk.snr ?? 0,
            frequencyOffset: BigInt(Math.round(rxpk.frequencyOffset ?? 0)),
            hoppingWidth: rxpk.hoppingWidth ?? 0,
          },
        ];
  const uplink = create(UplinkMessageSchema, {
    rawPayload: rxpk.payload,
    settings: {
      dataRate: dataRateMessage(rxpk.dataRate, rxpk.codingRate),
      frequency: BigInt(rxpk.frequency),
      timestamp,
      time,
    },
    rxMetadata,
    crcStatus:
      rxpk.crcStatus === undefined || rxpk.crcStatus === 0 ? undefined : rxpk.crcStatus === 1,
  });
  const clock: ClockSample | undefined =
    rxpk.timestamp === undefined
      ? undefined
      : {
          timestamp: rxpk.timestamp,
          serverUs,
          gpsTimeUs: rxpk.gpsTime === undefined ? undefined : rxpk.gpsTime * 1000,
        };
  return { uplink, clock };
}

/**
 * A `stat` as a `GatewayStatus`: the gateway's time and boot time, TTS's metrics (`rxin`,
 * `rxok`, `rxfw`, `ackr`, `txin`, `txok`, ...) and versions (`fpga`, `dsp`, `hal`, and the
 * forwarder's `pfrm`/`mail`/`desc` when sent), the GPS position as the antenna's location, and
 * the address the gateway sent from.
 */
export function statusFromStat(stat: GatewayStat, remoteAddress: string): GatewayStatus {
  const { metrics, versions } = statusMaps(stat);
  for (const name of ["pfrm", "mail", "desc"]) {
    const value = stat.extra?.[name];
    if (typeof value === "string") versions[name] = value;
  }
  const hasLocation = stat.latitude !== undefined && stat.longitude !== undefined;
  const located = hasLocation && !(stat.latitude === 0 && stat.longitude === 0);
  return create(GatewayStatusSchema, {
    time: stat.time ? timestampFromMs(stat.time.getTime()) : undefined,
    bootTime: stat.bootTime ? timestampFromMs(stat.bootTime.getTime()) : undefined,
    versions,
    metrics,
    ip: [remoteAddress],
    antennaLocations: located
      ? [
          {
            latitude: stat.latitude,
            longitude: stat.longitude,
            altitude: Math.round(stat.altitude ?? 0),
            source: LocationSource.SOURCE_GPS,
          },
        ]
      : [],
  });
}

/** TTS's result for each `txpk_ack.error` ("NONE" and a bare TX_ACK are success). */
export const txAckResults: Readonly<Record<TxAckError, TxAcknowledgment_Result>> = {
  NONE: TxAcknowledgment_Result.SUCCESS,
  TOO_LATE: TxAcknowledgment_Result.TOO_LATE,
  TOO_EARLY: TxAcknowledgment_Result.TOO_EARLY,
  COLLISION_PACKET: TxAcknowledgment_Result.COLLISION_PACKET,
  COLLISION_BEACON: TxAcknowledgment_Result.COLLISION_BEACON,
  TX_FREQ: TxAcknowledgment_Result.TX_FREQ,
  TX_POWER: TxAcknowledgment_Result.TX_POWER,
  GPS_UNLOCKED: TxAcknowledgment_Result.GPS_UNLOCKED,
  UNKNOWN: TxAcknowledgment_Result.UNKNOWN_ERROR,
};

/**
 * The `rf_power` values of the stock SX1301 tx_lut (lora_pkt_fwd's global_conf.json, and the
 * one our Gateway Configuration Server writes). lora_pkt_fwd 4.0.1 refuses any other `powe`
 * with TX_POWER (../shared/peers/README.md).
 */
export const stockTxLutPowers: readonly number[] = [
  -6, -3, 0, 3, 6, 10, 11, 12, 13, 14, 16, 20, 23, 25, 26, 27,
];

/** The largest table power not above `power` (dBm), or the smallest one. */
export function txLutPower(power: number): number {
  let chosen = stockTxLutPowers[0] as number;
  for (const candidate of stockTxLutPowers) if (candidate <= power) chosen = candidate;
  return chosen;
}

/**
 * The `txpk` of a scheduled downlink: at its concentrator `tmst`, on RF chain 0, the power
 * lowered to a value of the gateway's tx_lut (lora_pkt_fwd matches `powe` exactly: 16.15 dBm
 * becomes 16, the 29.15 dBm of EU868's 869.4–869.65 MHz band 27), inverted polarity and no
 * CRC as LoRaWAN downlinks to devices are sent.
 */
export function txpkFromSettings(settings: TxSettings, payload: Uint8Array): TxPacket {
  const modulation = settings.dataRate?.modulation;
  const common = {
    timestamp: settings.timestamp >>> 0,
    frequency: Number(settings.frequency),
    rfChain: 0,
    power: txLutPower(settings.downlink?.txPower ?? 14),
    invertPolarization: settings.downlink?.invertPolarization ?? true,
    noCrc: true,
    payload,
  };
  if (modulation?.case === "fsk")
    return {
      ...common,
      dataRate: { modulation: "FSK", bitRate: modulation.value.bitRate },
      // LoRaWAN's FSK: 50 kbps with a 25 kHz deviation.
      frequencyDeviation: Math.round(modulation.value.bitRate / 2000) * 1000,
    };
  const lora = modulation?.case === "lora" ? modulation.value : undefined;
  const codingRate = lora?.codingRate;
  return {
    ...common,
    dataRate: {
      modulation: "LORA",
      spreadingFactor: lora?.spreadingFactor ?? 0,
      bandwidth: lora?.bandwidth ?? 0,
    },
    codingRate:
      codingRate === "4/6" || codingRate === "4/7" || codingRate === "4/8" ? codingRate : "4/5",
  };
}

/**
 * Station's uplinks (`jreq`, `rejoin`, `updf`, `propdf`) as the Gateway Server's
 * `UplinkMessage`, as The Things Stack builds them: the PHYPayload reassembled by the codec,
 * settings (data rate of the router_config's `DRs` index, frequency, timestamp), and one Rx
 * metadata (antenna 0, the low 32 bits of xtime as timestamp, RSSI as RSSI and channel RSSI,
 * SNR, GPS time and gateway time when station has them).
 */
import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  type JoinRequestMessage,
  type ProprietaryDataMessage,
  type UplinkDataMessage,
  xtimeTimestamp,
} from "../../../gateway-protocols/basic-station/index.ts";
import {
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Band } from "../../../lorawan/band/index.ts";
import { dataRateOfIndex } from "./data-rates.ts";
import { timestampFromGpsTimeUs } from "./gps-time.ts";

export type StationUplink = JoinRequestMessage | UplinkDataMessage | ProprietaryDataMessage;

/** Station's `rxtime` (Unix seconds, float) as a timestamp; undefined when absent. */
function timestampFromUnixSeconds(seconds: number): Timestamp | undefined {
  if (!(seconds > 0)) return undefined;
  const whole = Math.floor(seconds);
  return {
    $typeName: "google.protobuf.Timestamp",
    seconds: BigInt(whole),
    nanos: Math.min(999_999_999, Math.round((seconds - whole) * 1e9)),
  };
}

/**
 * The UplinkMessage of a station uplink; undefined when its data rate index is not one of the
 * band's (station was given another router_config, or lies).
 */
export function uplinkMessage(message: StationUplink, band: Band): UplinkMessage | undefined {
  const dataRate = dataRateOfIndex(band, message.dataRate);
  if (dataRate === undefined) return undefined;
  const { upInfo } = message;
  const timestamp = xtimeTimestamp(upInfo.xtime);
  const gpsTime = timestampFromGpsTimeUs(upInfo.gpstime);
  // As TTS: the gateway's time is its GPS time when it has one, else its own clock's rxtime.
  const time = gpsTime ?? timestampFromUnixSeconds(upInfo.rxtime);
  return create(UplinkMessageSchema, {
    rawPayload: message.phyPayload,
    settings: { dataRate, frequency: BigInt(message.frequency), timestamp, time },
    rxMetadata: [
      {
        antennaIndex: 0,
        timestamp,
        time,
        gpsTime,
        rssi: upInfo.rssi,
        channelRssi: upInfo.rssi,
        snr: upInfo.snr,
      },
    ],
  });
}

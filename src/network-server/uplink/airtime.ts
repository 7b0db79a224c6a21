/** The time on air of an uplink, for its `consumed_airtime`. */
import type { Duration } from "@bufbuild/protobuf/wkt";
import { durationFromMicroseconds } from "../../api/durations.ts";
import type { DataRate } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type AirtimeModulation, timeOnAirMicroseconds } from "../../lorawan/airtime.ts";

/** `undefined` when the data rate is not one whose time on air is known. */
export function uplinkAirtime(
  dataRate: DataRate | undefined,
  payloadSize: number,
): Duration | undefined {
  const modulation = modulationOf(dataRate);
  if (modulation === undefined) return undefined;
  let micros: number;
  try {
    micros = Math.ceil(timeOnAirMicroseconds(payloadSize, modulation));
  } catch {
    return undefined;
  }
  return durationFromMicroseconds(micros);
}

function modulationOf(dataRate: DataRate | undefined): AirtimeModulation | undefined {
  const m = dataRate?.modulation;
  switch (m?.case) {
    case "lora":
      return {
        kind: "lora",
        spreadingFactor: m.value.spreadingFactor,
        bandwidth: m.value.bandwidth,
        ...(m.value.codingRate ? { codingRate: m.value.codingRate } : {}),
      };
    case "fsk":
      return { kind: "fsk", bitRate: m.value.bitRate };
    default:
      return undefined;
  }
}

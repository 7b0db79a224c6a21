/** The time on air of an uplink, for its `consumed_airtime`. */
import { create } from "@bufbuild/protobuf";
import { type Duration, DurationSchema } from "@bufbuild/protobuf/wkt";
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
  return create(DurationSchema, {
    seconds: BigInt(Math.floor(micros / 1_000_000)),
    nanos: (micros % 1_000_000) * 1000,
  });
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

import { create } from "@bufbuild/protobuf";
import { type DataRate, DataRateSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type Band,
  findDataRateIndex,
  getDataRate,
  type Modulation,
} from "../../lorawan/band/index.ts";

/** The API's `DataRate` for a band's data rate index; undefined if the band does not define it. */
export function dataRateMessage(band: Band, index: number): DataRate | undefined {
  const modulation = getDataRate(band, index)?.modulation;
  if (modulation === undefined) return undefined;
  switch (modulation.kind) {
    case "lora":
      return create(DataRateSchema, {
        modulation: {
          case: "lora",
          value: {
            spreadingFactor: modulation.spreadingFactor,
            bandwidth: modulation.bandwidth,
            codingRate: modulation.codingRate,
          },
        },
      });
    case "fsk":
      return create(DataRateSchema, {
        modulation: { case: "fsk", value: { bitRate: modulation.bitRate } },
      });
    case "lr-fhss":
      return create(DataRateSchema, {
        modulation: {
          case: "lrfhss",
          value: {
            operatingChannelWidth: modulation.operatingChannelWidth,
            codingRate: modulation.codingRate,
          },
        },
      });
  }
}

/** The band's data rate index of an API `DataRate` (an uplink's settings), if it has one. */
export function dataRateIndexOf(band: Band, dataRate: DataRate | undefined): number | undefined {
  const modulation = modulationOf(dataRate);
  return modulation === undefined ? undefined : findDataRateIndex(band, modulation);
}

function modulationOf(dataRate: DataRate | undefined): Modulation | undefined {
  const m = dataRate?.modulation;
  switch (m?.case) {
    case "lora":
      return {
        kind: "lora",
        spreadingFactor: m.value.spreadingFactor,
        bandwidth: m.value.bandwidth,
        codingRate: m.value.codingRate,
      };
    case "fsk":
      return { kind: "fsk", bitRate: m.value.bitRate };
    case "lrfhss":
      return {
        kind: "lr-fhss",
        operatingChannelWidth: m.value.operatingChannelWidth,
        codingRate: m.value.codingRate,
      };
    default:
      return undefined;
  }
}

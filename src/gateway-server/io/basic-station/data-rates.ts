/**
 * Data rates between the wire and the Gateway Server: station names them by their index in
 * the router_config's `DRs`, the Gateway Server by modulation (TTS's `DataRate`).
 */
import { create } from "@bufbuild/protobuf";
import type { DataRateEntry } from "../../../gateway-protocols/basic-station/index.ts";
import { type DataRate, DataRateSchema } from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { Band } from "../../../lorawan/band/index.ts";

/** The `DataRate` of index `index` in the band (the router_config's `DRs` come from it). */
export function dataRateOfIndex(band: Band, index: number): DataRate | undefined {
  const rate = band.dataRates.find((candidate) => candidate.index === index);
  if (rate === undefined) return undefined;
  const { modulation } = rate;
  if (modulation.kind === "lora")
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
  if (modulation.kind === "fsk")
    return create(DataRateSchema, {
      modulation: { case: "fsk", value: { bitRate: modulation.bitRate } },
    });
  return undefined;
}

/**
 * The index in `DRs` of a downlink's data rate: a downlink-only entry first (US915 has SF8
 * BW500 both as uplink DR4 and downlink DR12), then any. Undefined when the table has none.
 */
export function indexOfDownlinkDataRate(
  table: readonly DataRateEntry[],
  dataRate: DataRate | undefined,
): number | undefined {
  const modulation = dataRate?.modulation;
  let wanted: readonly [number, number] | undefined;
  if (modulation?.case === "lora")
    wanted = [modulation.value.spreadingFactor, modulation.value.bandwidth / 1000];
  else if (modulation?.case === "fsk") wanted = [0, 0];
  if (wanted === undefined) return undefined;
  let any: number | undefined;
  for (let index = 0; index < table.length; index++) {
    const [spreadingFactor, bandwidthKHz, downlinkOnly] = table[index] as DataRateEntry;
    if (spreadingFactor !== wanted[0] || bandwidthKHz !== wanted[1]) continue;
    if (downlinkOnly === 1) return index;
    any ??= index;
  }
  return any;
}

/**
 * The `DRs` table of router_config: 16 entries of [SF, bandwidth kHz, downlink-only], SF 0
 * for FSK and -1 for an index station may not use (undefined, or LR-FHSS, which an SX1301
 * cannot receive). Uplink data rates in `updf`/`jreq` and downlink data rates in `dnmsg`
 * are indices into this table.
 */
import type { Band } from "../../lorawan/band/index.ts";

export type DataRateEntry = readonly [
  spreadingFactor: number,
  bandwidthKHz: number,
  downlinkOnly: 0 | 1,
];

const UNUSED: DataRateEntry = [-1, 0, 0];

/**
 * The band's data rates as station expects them. A data rate with no RX1 mapping of its own
 * (US915 and AU915 DR8–13) can only be a downlink's: it is marked downlink-only.
 */
export function dataRateTable(band: Band): DataRateEntry[] {
  const table: DataRateEntry[] = Array.from({ length: 16 }, () => UNUSED);
  const rows = band.rx1DataRates.noDwellTime;
  for (const rate of band.dataRates) {
    if (rate.index > 15) continue;
    const downlinkOnly = (rows[rate.index]?.length ?? 0) === 0 ? 1 : 0;
    const modulation = rate.modulation;
    if (modulation.kind === "lora")
      table[rate.index] = [modulation.spreadingFactor, modulation.bandwidth / 1000, downlinkOnly];
    else if (modulation.kind === "fsk") table[rate.index] = [0, 0, downlinkOnly];
  }
  return table;
}

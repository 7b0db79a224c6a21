import { encodeBase64 } from "./base64.ts";
import { type DataRate, formatDataRate } from "./data-rate.ts";
import { errTxpkField } from "./errors.ts";
import { hertzToMegahertzText } from "./frequency.ts";

/**
 * A packet to transmit (`txpk`). Exactly one of `immediate`, `timestamp` and `gpsTime` says when.
 * lora_pkt_fwd 4.0.1 refuses with TX_POWER a `power` that is not one of its tx_lut `rf_power`
 * values (-6, -3, 0, 3, 6, 10, 11, 12, 13, 14, 16, 20, 23, 25, 26, 27 dBm in the stock EU868
 * table), so the caller picks from the gateway's table.
 */
export interface TxPacket {
  /** `imme`: send at once (class C). */
  readonly immediate?: boolean;
  /** `tmst`: concentrator counter to send at, µs, u32 (wraps). */
  readonly timestamp?: number;
  /** `tmms`: GPS time to send at, ms since 1980-01-06 (needs GPS on the gateway). */
  readonly gpsTime?: number;
  /** `freq` in Hz (written in MHz, exact to the Hz for lora_pkt_fwd's truncating read). */
  readonly frequency: number;
  /** `rfch`: RF chain (mandatory for lora_pkt_fwd; 0 when absent here). */
  readonly rfChain?: number;
  /** `powe`: dBm, an integer. */
  readonly power?: number;
  /** `modu` and `datr`: LoRa SF7..12 at 125/250/500 kHz or FSK (LR-FHSS is uplink only). */
  readonly dataRate: DataRate;
  /** `codr` for LoRa: "4/5" (default), "4/6", "4/7", "4/8". */
  readonly codingRate?: "4/5" | "4/6" | "4/7" | "4/8";
  /** `fdev` for FSK, Hz: a multiple of 1000 up to 255000 (the forwarder keeps kHz in a byte). */
  readonly frequencyDeviation?: number;
  /** `ipol`: inverted polarity; LoRaWAN downlinks to devices need true. */
  readonly invertPolarization?: boolean;
  /** `prea`: preamble symbols (the forwarder's default: 8 LoRa, 5 FSK). */
  readonly preamble?: number;
  /** `ncrc`: no physical CRC. LoRaWAN downlinks set true; absent means CRC on. */
  readonly noCrc?: boolean;
  /** `data`, 1..255 bytes (`size` is its length). */
  readonly payload: Uint8Array;
}

// What lora_pkt_fwd 4.0.1 (SX1301) parses: anything else aborts the TX without a TX_ACK.
const loraBandwidths: readonly number[] = [125_000, 250_000, 500_000];
const codingRates: readonly string[] = ["4/5", "4/6", "4/7", "4/8"];

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

function invalid(field: string, value: unknown, expected: string): never {
  throw errTxpkField.create({ field, value: String(value), expected });
}

/** The `txpk` object's JSON text, checked against what lora_pkt_fwd 4.0.1 accepts. */
export function formatTxpk(txpk: TxPacket): string {
  const parts: string[] = [];
  const when =
    (txpk.immediate === true ? 1 : 0) +
    (txpk.timestamp !== undefined ? 1 : 0) +
    (txpk.gpsTime !== undefined ? 1 : 0);
  if (when !== 1) invalid("imme", when, "exactly one of immediate, timestamp, gpsTime");
  if (txpk.immediate === true) parts.push('"imme":true');
  else parts.push('"imme":false');
  if (txpk.timestamp !== undefined) {
    if (!isIntegerIn(txpk.timestamp, 0, 0xffff_ffff)) {
      invalid("tmst", txpk.timestamp, "u32 microseconds");
    }
    parts.push(`"tmst":${txpk.timestamp}`);
  }
  if (txpk.gpsTime !== undefined) {
    if (!isIntegerIn(txpk.gpsTime, 0, Number.MAX_SAFE_INTEGER)) {
      invalid("tmms", txpk.gpsTime, "GPS milliseconds");
    }
    parts.push(`"tmms":${txpk.gpsTime}`);
  }
  if (!isIntegerIn(txpk.frequency, 1, 0xffff_ffff)) invalid("freq", txpk.frequency, "Hz, u32");
  parts.push(`"freq":${hertzToMegahertzText(txpk.frequency)}`);
  const rfChain = txpk.rfChain ?? 0;
  if (!isIntegerIn(rfChain, 0, 255)) invalid("rfch", rfChain, "0..255");
  parts.push(`"rfch":${rfChain}`);
  if (txpk.power !== undefined) {
    if (!isIntegerIn(txpk.power, -128, 127)) invalid("powe", txpk.power, "integer dBm");
    parts.push(`"powe":${txpk.power}`);
  }
  const dataRate = txpk.dataRate;
  if (dataRate.modulation === "LORA") {
    if (!isIntegerIn(dataRate.spreadingFactor, 7, 12)) {
      invalid("datr", dataRate.spreadingFactor, "spreading factor 7..12");
    }
    if (!loraBandwidths.includes(dataRate.bandwidth)) {
      invalid("datr", dataRate.bandwidth, "125, 250 or 500 kHz");
    }
    const codingRate = txpk.codingRate ?? "4/5";
    if (!codingRates.includes(codingRate)) {
      invalid("codr", codingRate, "4/5, 4/6, 4/7 or 4/8");
    }
    parts.push(`"modu":"LORA","datr":"${formatDataRate(dataRate)}","codr":"${codingRate}"`);
  } else if (dataRate.modulation === "FSK") {
    if (!isIntegerIn(dataRate.bitRate, 500, 300_000)) invalid("datr", dataRate.bitRate, "bps");
    const deviation = txpk.frequencyDeviation;
    if (!isIntegerIn(deviation, 1000, 255_000) || deviation % 1000 !== 0) {
      invalid("fdev", deviation, "Hz, a multiple of 1000 up to 255000");
    }
    parts.push(`"modu":"FSK","datr":${dataRate.bitRate},"fdev":${deviation}`);
  } else {
    invalid("modu", dataRate.modulation, "LORA or FSK");
  }
  parts.push(`"ipol":${txpk.invertPolarization === true}`);
  if (txpk.preamble !== undefined) {
    if (!isIntegerIn(txpk.preamble, 0, 0xffff)) invalid("prea", txpk.preamble, "u16");
    parts.push(`"prea":${txpk.preamble}`);
  }
  const payload = txpk.payload;
  if (!(payload instanceof Uint8Array) || payload.length < 1 || payload.length > 255) {
    invalid("data", payload?.length, "1..255 bytes");
  }
  parts.push(`"size":${payload.length},"data":"${encodeBase64(payload)}"`);
  if (txpk.noCrc === true) parts.push('"ncrc":true');
  return `{${parts.join(",")}}`;
}

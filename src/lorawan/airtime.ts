/**
 * Time on air of LoRa, FSK and LR-FHSS frames.
 *
 * Every function returns **microseconds** as an exact `number` (not rounded: 2.4 GHz LoRa
 * symbols last a fraction of a microsecond); callers round where they schedule. The payload
 * is the PHYPayload (MHDR … MIC) in bytes, 0–255.
 *
 * Sources of the formulas (restated here in our own words):
 * - LoRa below 1 GHz: Semtech SX1276/77/78/79 datasheet §4.1.1.7 and SX1261/2 datasheet §6.1.4
 *   (SF5/SF6 use the SX126x variant: 6.25 preamble tail symbols and no header offset).
 * - LoRa at 2.4 GHz (203.125/406.25/812.5/1625 kHz): Semtech SX1280/SX1281 datasheet §7.4.4,
 *   including the long-interleaving coding rates 4/5LI, 4/6LI and 4/8LI.
 * - FSK: the LoRaWAN FSK frame of the regional parameters (see {@link fskTimeOnAirMicroseconds}).
 * - LR-FHSS: Semtech's LR-FHSS frame format (Lora-net sx126x_driver `lr_fhss_mac.c`), the
 *   GMSK 488.28125 bit/s modulation used by LoRaWAN (see {@link lrFhssTimeOnAirMicroseconds}).
 */
import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("lorawan/airtime");

/** A parameter is out of range; `expected` says what would be accepted. */
export const errInvalidAirtimeParameter = errors.invalidArgument(
  "invalid_parameter",
  "invalid {parameter} `{value}`: expected {expected}",
);

function invalid(parameter: string, value: unknown, expected: string): never {
  throw errInvalidAirtimeParameter.create({ parameter, value, expected });
}

function checkPayloadSize(payloadSize: number): void {
  if (!Number.isInteger(payloadSize) || payloadSize < 0 || payloadSize > 255) {
    invalid("payload size", payloadSize, "an integer number of bytes from 0 to 255");
  }
}

/** LoRa coding rates; `LI` marks the SX1280's long-interleaving rates (2.4 GHz only). */
export type LoRaCodingRate = "4/5" | "4/6" | "4/7" | "4/8" | "4/5LI" | "4/6LI" | "4/8LI";

/** Parameters of a LoRa frame. */
export interface LoRaParameters {
  /** 5–12. */
  readonly spreadingFactor: number;
  /**
   * Bandwidth in Hz: 125000, 250000 or 500000 below 1 GHz; 203125, 406250, 812500 or
   * 1625000 at 2.4 GHz (the nominal 203000, 406000, 812000 stand for the exact values).
   */
  readonly bandwidth: number;
  /** Default "4/5", the coding rate of every sub-GHz LoRaWAN data rate. */
  readonly codingRate?: LoRaCodingRate | string;
  /** Programmed preamble length in symbols; default 8 (LoRaWAN). */
  readonly preambleSymbols?: number;
  /** Explicit header (default true; LoRaWAN always uses it). */
  readonly explicitHeader?: boolean;
  /** Payload CRC (default true: LoRaWAN uplinks; downlinks are sent without it). */
  readonly crc?: boolean;
  /**
   * Low data rate optimisation. Below 1 GHz it defaults to on when a symbol lasts 16 ms or
   * more (SF11 and SF12 at 125 kHz, SF12 at 250 kHz). At 2.4 GHz the SX1280 fixes it by
   * spreading factor (on for SF11 and SF12), so a different value is rejected.
   */
  readonly lowDataRateOptimization?: boolean;
}

/** Exact 2.4 GHz bandwidths, by the values users and band tables write. */
const bandwidths2400 = new Map<number, number>([
  [203_125, 203_125],
  [203_000, 203_125],
  [406_250, 406_250],
  [406_000, 406_250],
  [812_500, 812_500],
  [812_000, 812_500],
  [1_625_000, 1_625_000],
]);

const subGigahertzBandwidths = new Set([125_000, 250_000, 500_000]);

/** Coding rate → (CR + 4), the number of coded bits per 4 data bits, and interleaving. */
const codingRates = new Map<string, { readonly crPlus4: number; readonly long: boolean }>([
  ["4/5", { crPlus4: 5, long: false }],
  ["4/6", { crPlus4: 6, long: false }],
  ["4/7", { crPlus4: 7, long: false }],
  ["4/8", { crPlus4: 8, long: false }],
  ["4/5LI", { crPlus4: 5, long: true }],
  ["4/6LI", { crPlus4: 6, long: true }],
  ["4/8LI", { crPlus4: 8, long: true }],
]);

/** Integer division rounding up, for non-negative numerators. */
function ceilDiv(numerator: number, denominator: number): number {
  return Math.ceil(numerator / denominator);
}

/**
 * Time on air of a LoRa frame in microseconds:
 * (preamble + 4.25 (+2 for SF5/SF6) + payload symbols) × 2^SF / bandwidth.
 */
export function loraTimeOnAirMicroseconds(payloadSize: number, parameters: LoRaParameters): number {
  checkPayloadSize(payloadSize);
  const sf = parameters.spreadingFactor;
  if (!Number.isInteger(sf) || sf < 5 || sf > 12) {
    invalid("spreading factor", sf, "an integer from 5 to 12");
  }
  const codingRateName = parameters.codingRate ?? "4/5";
  const codingRate = codingRates.get(codingRateName);
  if (codingRate === undefined) {
    invalid("coding rate", codingRateName, "4/5, 4/6, 4/7, 4/8, 4/5LI, 4/6LI or 4/8LI");
  }
  const preamble = parameters.preambleSymbols ?? 8;
  if (!Number.isInteger(preamble) || preamble < 1 || preamble > 65_535) {
    invalid("preamble length", preamble, "an integer number of symbols from 1 to 65535");
  }
  const explicitHeader = parameters.explicitHeader ?? true;
  const crcBits = (parameters.crc ?? true) ? 16 : 0;
  const bandwidth2400 = bandwidths2400.get(parameters.bandwidth);

  let payloadSymbols: number;
  let bandwidth: number;
  if (bandwidth2400 !== undefined) {
    bandwidth = bandwidth2400;
    // The SX1280 always uses the reduced bit rate per symbol at SF11 and SF12.
    const reduced = sf >= 11;
    if (
      parameters.lowDataRateOptimization !== undefined &&
      parameters.lowDataRateOptimization !== reduced
    ) {
      invalid(
        "low data rate optimisation",
        parameters.lowDataRateOptimization,
        `${reduced} (fixed by the spreading factor at 2.4 GHz)`,
      );
    }
    payloadSymbols = codingRate.long
      ? longInterleavingSymbols(payloadSize, sf, crcBits, codingRate.crPlus4, explicitHeader)
      : shortInterleavingSymbols(
          payloadSize,
          sf,
          crcBits,
          codingRate.crPlus4,
          explicitHeader,
          reduced,
        );
  } else if (subGigahertzBandwidths.has(parameters.bandwidth)) {
    bandwidth = parameters.bandwidth;
    if (codingRate.long) {
      invalid("coding rate", codingRateName, "4/5, 4/6, 4/7 or 4/8 below 1 GHz");
    }
    // A symbol lasts 2^SF / BW seconds; 16 ms or more calls for the optimisation.
    const reduced = parameters.lowDataRateOptimization ?? 2 ** sf * 1000 >= 16 * bandwidth;
    payloadSymbols = shortInterleavingSymbols(
      payloadSize,
      sf,
      crcBits,
      codingRate.crPlus4,
      explicitHeader,
      reduced,
    );
  } else {
    return invalid(
      "bandwidth",
      parameters.bandwidth,
      "125000, 250000, 500000, 203125, 406250, 812500 or 1625000 Hz",
    );
  }

  // Quarter symbols keep the arithmetic exact: the preamble ends with 4.25 symbols (6.25 at
  // SF5 and SF6, which need two more symbols to synchronise).
  const quarterSymbols = 4 * (preamble + payloadSymbols + (sf <= 6 ? 6 : 4)) + 1;
  return (quarterSymbols * 2 ** (sf - 2) * 1_000_000) / bandwidth;
}

/**
 * Payload symbols with the classic (short) interleaver: 8 symbols at CR 4/8 that carry the
 * header and the first bits, then blocks of (CR + 4) symbols of 4·SF bits each (4·(SF − 2)
 * with the low data rate optimisation). SF5 and SF6 have no 8-bit offset.
 */
function shortInterleavingSymbols(
  payloadSize: number,
  sf: number,
  crcBits: number,
  crPlus4: number,
  explicitHeader: boolean,
  reduced: boolean,
): number {
  const headerBits = explicitHeader ? 20 : 0;
  const offset = sf >= 7 ? 8 : 0;
  const bits = Math.max(8 * payloadSize + crcBits - 4 * sf + offset + headerBits, 0);
  const bitsPerBlock = sf >= 7 && reduced ? 4 * (sf - 2) : 4 * sf;
  return 8 + ceilDiv(bits, bitsPerBlock) * crPlus4;
}

/**
 * Payload symbols with the SX1280 long interleaver, where the coding rate applies to the
 * total bit count rather than per block, and the 8 first symbols hold part of the payload
 * (`headerSpace` bits in explicit-header mode).
 */
function longInterleavingSymbols(
  payloadSize: number,
  sf: number,
  crcBits: number,
  crPlus4: number,
  explicitHeader: boolean,
): number {
  const payloadBits = 8 * payloadSize;
  const bits = payloadBits + crcBits;
  if (explicitHeader) {
    let headerSpace = Math.floor((sf - (sf < 7 ? 5 : 7)) / 2) * 8;
    if (bits > headerSpace) headerSpace = Math.min(headerSpace, payloadBits);
    const denominator = sf <= 10 ? 4 * sf : 4 * (sf - 2);
    return 8 + ceilDiv(Math.max(bits - headerSpace, 0) * crPlus4, denominator);
  }
  // Implicit header: the first 8 symbols are coded like the rest; a frame that fits in
  // them ends early.
  const codedBits = bits * crPlus4;
  const firstSymbols = ceilDiv(codedBits, sf < 7 ? 4 * sf : 4 * (sf - 2));
  if (firstSymbols <= 8) return firstSymbols;
  if (sf < 7) return 8 + ceilDiv(codedBits - 32 * sf, 4 * sf);
  if (sf <= 10) return 8 + ceilDiv(codedBits + 64 - 32 * sf, 4 * sf);
  return 8 + ceilDiv(codedBits - 32 * (sf - 2), 4 * (sf - 2));
}

/** Parameters of an FSK frame. */
export interface FskParameters {
  /** Bit rate in bit/s (50000 for every LoRaWAN FSK data rate). */
  readonly bitRate: number;
  /** Whether the 2-byte CRC follows the payload (default true, as LoRaWAN sends it). */
  readonly crc?: boolean;
}

/** Bytes of a LoRaWAN FSK frame around the payload: preamble, sync word, length. */
const fskOverheadBytes = 5 + 3 + 1;

/**
 * Time on air of a LoRaWAN FSK frame in microseconds. The frame is, in bytes:
 * 5 preamble (0x55…), 3 sync word (0xC194C1), 1 length, the PHYPayload, 2 CRC (CCITT);
 * every byte takes 8 bit times.
 */
export function fskTimeOnAirMicroseconds(payloadSize: number, parameters: FskParameters): number {
  checkPayloadSize(payloadSize);
  if (!(parameters.bitRate > 0) || !Number.isFinite(parameters.bitRate)) {
    invalid("bit rate", parameters.bitRate, "a positive number of bit/s");
  }
  const bytes = fskOverheadBytes + payloadSize + ((parameters.crc ?? true) ? 2 : 0);
  return (bytes * 8 * 1_000_000) / parameters.bitRate;
}

/** LR-FHSS convolutional coding rates; LoRaWAN uses 1/3 and 2/3. */
export type LrFhssCodingRate = "1/3" | "1/2" | "2/3" | "5/6";

/** Parameters of an LR-FHSS frame. */
export interface LrFhssParameters {
  readonly codingRate: LrFhssCodingRate | string;
  /**
   * Number of header replicas. Defaults to LoRaWAN's choice, which follows the coding rate
   * whatever the operating channel width: 3 at CR 1/3 and 2 at CR 2/3 (RP002 LR-FHSS data
   * rates; Semtech LoRa Basics Modem). Other coding rates have no default.
   */
  readonly headerCount?: number;
  /** Operating channel width in Hz. Accepted for completeness: it does not change the time. */
  readonly operatingChannelWidth?: number;
}

/** Every LR-FHSS bit (GMSK at 488.28125 bit/s) lasts exactly 2048 µs. */
const lrFhssBitMicroseconds = 2048;
/** One header replica: 114 bits (233.472 ms). */
const lrFhssHeaderBits = 114;
/** Payload fragments carry 48 coded bits, each preceded by 2 guard bits. */
const lrFhssFragmentBits = 48;
const lrFhssGuardBits = 2;

const lrFhssDefaultHeaders: Record<string, number> = { "1/3": 3, "2/3": 2 };

/** Coded length in bits of `bits` data bits. */
const lrFhssCoders: Record<string, (bits: number) => number> = {
  "1/3": (bits) => bits * 3,
  "1/2": (bits) => bits * 2,
  "2/3": (bits) => Math.floor((bits * 3) / 2),
  "5/6": (bits) => Math.floor((bits * 6 + 4) / 5),
};

/**
 * Time on air of an LR-FHSS frame in microseconds. The frame assumed:
 * - `headerCount` header replicas of 114 bits each (sync word, header, guard bits);
 * - the payload: PHYPayload + 16-bit CRC + 6 tail bits, convolutionally coded at the coding
 *   rate, split into 48-bit fragments, each fragment sent after 2 guard bits (the last one
 *   may be shorter);
 * - every bit lasts 1/488.28125 s = 2048 µs.
 */
export function lrFhssTimeOnAirMicroseconds(
  payloadSize: number,
  parameters: LrFhssParameters,
): number {
  checkPayloadSize(payloadSize);
  const code = lrFhssCoders[parameters.codingRate];
  if (code === undefined) invalid("coding rate", parameters.codingRate, "1/3, 1/2, 2/3 or 5/6");
  const headers = parameters.headerCount ?? lrFhssDefaultHeaders[parameters.codingRate];
  if (headers === undefined || !Number.isInteger(headers) || headers < 1 || headers > 4) {
    invalid("header count", headers, "an integer from 1 to 4 (required for CR 1/2 and 5/6)");
  }
  const codedBits = code((payloadSize + 2) * 8 + 6);
  const lastFragment = codedBits % lrFhssFragmentBits;
  const payloadBits =
    Math.floor(codedBits / lrFhssFragmentBits) * (lrFhssFragmentBits + lrFhssGuardBits) +
    (lastFragment > 0 ? lastFragment + lrFhssGuardBits : 0);
  return (headers * lrFhssHeaderBits + payloadBits) * lrFhssBitMicroseconds;
}

/** A modulation as the band tables describe it (`src/lorawan/band` `Modulation`). */
export type AirtimeModulation =
  | ({ readonly kind: "lora" } & LoRaParameters)
  | ({ readonly kind: "fsk" } & FskParameters)
  | ({ readonly kind: "lr-fhss" } & LrFhssParameters);

/** Frame options that are not part of a data rate. */
export interface AirtimeOptions {
  /** Payload CRC: true for uplinks, false for LoRa downlinks. Default true. */
  readonly crc?: boolean;
}

/**
 * Time on air in microseconds of a PHYPayload of `payloadSize` bytes at `modulation`.
 * `options.crc` overrides the modulation's CRC setting (LoRaWAN: on for uplinks, off for
 * LoRa downlinks).
 */
export function timeOnAirMicroseconds(
  payloadSize: number,
  modulation: AirtimeModulation,
  options: AirtimeOptions = {},
): number {
  switch (modulation.kind) {
    case "lora":
      return loraTimeOnAirMicroseconds(payloadSize, {
        ...modulation,
        crc: options.crc ?? modulation.crc,
      });
    case "fsk":
      return fskTimeOnAirMicroseconds(payloadSize, {
        ...modulation,
        crc: options.crc ?? modulation.crc,
      });
    case "lr-fhss":
      return lrFhssTimeOnAirMicroseconds(payloadSize, modulation);
    default:
      return invalid("modulation", (modulation as { kind?: unknown }).kind, "lora, fsk or lr-fhss");
  }
}

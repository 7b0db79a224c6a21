/**
 * CFList (the optional 16 bytes at the end of a join-accept): type 0 lists up to five extra
 * channel frequencies (24-bit little endian, in units of the band's frequency step); type 1
 * carries the ChMask of every 16-channel block of a fixed-channel band (16-bit little endian).
 * The last byte is the CFListType.
 */
import { channelMaskSize } from "./channel-mask.ts";
import {
  errCfListNotSupported,
  errInvalidCfList,
  errInvalidCfListFrequency,
  errInvalidChannelCount,
  errTooManyCfListFrequencies,
  errUnknownCfListType,
} from "./errors.ts";
import type { Band } from "./types.ts";

export type CfList =
  /** Frequencies in Hz of the channels following the default ones; 0 = no channel. */
  | { readonly type: "frequencies"; readonly frequencies: readonly number[] }
  /** Enabled state of every fixed channel. */
  | { readonly type: "channel-masks"; readonly channels: readonly boolean[] };

const cfListLength = 16;
const maxFrequencies = 5;

function requireType(band: Band, type: Band["cfList"]["type"]) {
  if (band.cfList.type !== type || !band.cfList.supported) {
    throw errCfListNotSupported.create({ band_id: band.id, version: band.version, type });
  }
}

/** A type 0 CFList with up to five frequencies (Hz; 0 leaves a slot unused). */
export function encodeFrequencyCfList(band: Band, frequencies: readonly number[]): Uint8Array {
  requireType(band, "frequencies");
  if (frequencies.length > maxFrequencies) {
    throw errTooManyCfListFrequencies.create({ count: frequencies.length });
  }
  const bytes = new Uint8Array(cfListLength);
  const step = band.frequencyStep;
  frequencies.forEach((frequency, i) => {
    const units = frequency / step;
    if (!Number.isInteger(units) || units < 0 || units > 0xffffff) {
      throw errInvalidCfListFrequency.create({ frequency, step, max: 0x1000000 * step });
    }
    bytes[3 * i] = units & 0xff;
    bytes[3 * i + 1] = (units >> 8) & 0xff;
    bytes[3 * i + 2] = (units >> 16) & 0xff;
  });
  bytes[15] = 0;
  return bytes;
}

/** A type 1 CFList enabling exactly `channels` (one boolean per fixed uplink channel). */
export function encodeChannelMaskCfList(band: Band, channels: readonly boolean[]): Uint8Array {
  requireType(band, "channel-masks");
  const size = channelMaskSize(band);
  if (channels.length !== size) {
    throw errInvalidChannelCount.create({
      band_id: band.id,
      expected: size,
      actual: channels.length,
    });
  }
  const bytes = new Uint8Array(cfListLength);
  channels.forEach((on, channel) => {
    if (on) bytes[channel >> 3] = (bytes[channel >> 3] ?? 0) | (1 << (channel & 7));
  });
  bytes[15] = 1;
  return bytes;
}

/** Reads a CFList for `band`; RFU bytes and mask bits beyond the band's channels are ignored. */
export function decodeCfList(band: Band, bytes: Uint8Array): CfList {
  if (bytes.length !== cfListLength) throw errInvalidCfList.create({ length: bytes.length });
  const type = bytes[15];
  if (type === 0 && band.cfList.type === "frequencies") {
    const frequencies: number[] = [];
    for (let i = 0; i < maxFrequencies; i++) {
      const units =
        (bytes[3 * i] ?? 0) | ((bytes[3 * i + 1] ?? 0) << 8) | ((bytes[3 * i + 2] ?? 0) << 16);
      frequencies.push(units * band.frequencyStep);
    }
    return { type: "frequencies", frequencies };
  }
  if (type === 1 && band.cfList.type === "channel-masks") {
    const channels = Array.from(
      { length: channelMaskSize(band) },
      (_, channel) => ((bytes[channel >> 3] ?? 0) & (1 << (channel & 7))) !== 0,
    );
    return { type: "channel-masks", channels };
  }
  throw errUnknownCfListType.create({ type, band_id: band.id });
}

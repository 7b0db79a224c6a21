import { errCfListType, errField } from "./errors.ts";
import type { CfList } from "./frame.ts";
import { readUint16, readUint24, writeUint16, writeUint24 } from "./little-endian.ts";
import { checkObject, checkUint } from "./validate.ts";

export const CF_LIST_LENGTH = 16;
const FREQUENCY_COUNT = 5;
const CHANNEL_MASK_COUNT = 6;
/** Frequencies travel as 24-bit multiples of 100 Hz. */
const FREQUENCY_STEP = 100;

/** Decodes the 16 bytes of a CFList at `offset`; its last byte is the CFListType. */
export function decodeCfList(bytes: Uint8Array, offset: number): CfList {
  const type = bytes[offset + 15] ?? 0;
  if (type === 0) {
    const frequencies: number[] = [];
    for (let i = 0; i < FREQUENCY_COUNT; i++) {
      frequencies.push(readUint24(bytes, offset + 3 * i) * FREQUENCY_STEP);
    }
    return { type: 0, frequencies };
  }
  if (type === 1) {
    // The 3 bytes after ChMask5 are RFU: ignored, written as 0.
    const channelMasks: number[] = [];
    for (let i = 0; i < CHANNEL_MASK_COUNT; i++) {
      channelMasks.push(readUint16(bytes, offset + 2 * i));
    }
    return { type: 1, channelMasks };
  }
  throw errCfListType.create({ cf_list_type: type });
}

/**
 * Writes a CFList into 16 bytes at `offset` of `target` (zeroed by the caller). Fewer than
 * five frequencies or six masks are padded with 0 (no channel, channels disabled).
 */
export function encodeCfList(cfList: CfList, target: Uint8Array, offset: number): void {
  const list = checkObject("CFList", cfList);
  if (list.type === 0) {
    const frequencies = checkArray("CFList frequencies", list.frequencies, FREQUENCY_COUNT);
    frequencies.forEach((frequency, i) => {
      const field = `CFList frequency ${i}`;
      const max = 0xffffff * FREQUENCY_STEP;
      if (checkUint(field, frequency, max) % FREQUENCY_STEP !== 0) {
        throw errField.create({ field, expected: "a multiple of 100 Hz", value: frequency });
      }
      writeUint24(target, offset + 3 * i, (frequency as number) / FREQUENCY_STEP);
    });
    target[offset + 15] = 0;
    return;
  }
  if (list.type === 1) {
    const masks = checkArray("CFList channel masks", list.channelMasks, CHANNEL_MASK_COUNT);
    masks.forEach((mask, i) => {
      writeUint16(target, offset + 2 * i, checkUint(`CFList ChMask${i}`, mask, 0xffff));
    });
    target[offset + 15] = 1;
    return;
  }
  throw errField.create({ field: "CFList type", expected: "0 or 1", value: String(list.type) });
}

function checkArray(field: string, value: unknown, max: number): unknown[] {
  if (!Array.isArray(value) || value.length > max) {
    const got = Array.isArray(value) ? `${value.length} entries` : typeof value;
    throw errField.create({ field, expected: `an array of at most ${max} entries`, value: got });
  }
  return value;
}

import type { DefinedError } from "../../errors/index.ts";
import { errInvalidHex, errInvalidLength } from "./errors.ts";

// Value of each ASCII hex digit, -1 for every other character code below 128.
const digitValues = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) digitValues[48 + i] = i;
for (let i = 0; i < 6; i++) {
  digitValues[65 + i] = 10 + i;
  digitValues[97 + i] = 10 + i;
}

const byteStrings = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, "0"),
);

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (digitValues[code] ?? -1) : -1;
}

/** Error messages quote the input, but a pasted megabyte should not end up in a log line. */
function quoted(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/**
 * Parses `size` bytes written as hex the way users type them: `70B3D57ED0000001`,
 * `70-B3-D5-7E-D0-00-00-01`, `70:b3:d5:...` or `70 B3 D5 ...`, any case, surrounding
 * whitespace ignored. One separator kind is used between every pair of digits, or none at all.
 * `kind` (e.g. "DevEUI") and `example` name the value in errors.
 */
export function parseHexBytes(
  text: string,
  size: number,
  kind: string,
  example: string,
): Uint8Array {
  const trimmed = typeof text === "string" ? text.trim() : "";
  let step = 0;
  if (trimmed.length === 2 * size) step = 2;
  else if (size > 0 && trimmed.length === 3 * size - 1) step = 3;
  if (step !== 0) {
    const separator = step === 3 ? trimmed.charCodeAt(2) : 0;
    // 0x2D "-", 0x3A ":", 0x20 " "
    const separatorOk =
      step === 2 || separator === 0x2d || separator === 0x3a || separator === 0x20;
    const bytes = new Uint8Array(size);
    let ok = separatorOk;
    for (let i = 0; ok && i < size; i++) {
      const at = i * step;
      const high = digit(trimmed, at);
      const low = digit(trimmed, at + 1);
      if (high < 0 || low < 0) ok = false;
      else if (step === 3 && i < size - 1 && trimmed.charCodeAt(at + 2) !== separator) ok = false;
      else bytes[i] = (high << 4) | low;
    }
    if (ok) return bytes;
  }
  throw lengthOrFormatError(String(text), trimmed, size, kind, example);
}

function lengthOrFormatError(
  text: string,
  trimmed: string,
  size: number,
  kind: string,
  example: string,
): DefinedError {
  const digits = trimmed.replace(/[-: ]/g, "");
  const wellFormed = /^([0-9a-fA-F]{2}([-: ]?|$))*$/.test(trimmed) && digits.length % 2 === 0;
  if (wellFormed && digits.length !== 2 * size) {
    return errInvalidLength.create({
      kind,
      input: quoted(text),
      length: digits.length / 2,
      expected: size,
    });
  }
  return errInvalidHex.create({ kind, input: quoted(text), expected: size, example });
}

/** Upper-case hex of `bytes`, without separators. */
export function formatHex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += byteStrings[bytes[i] ?? 0];
  return text;
}

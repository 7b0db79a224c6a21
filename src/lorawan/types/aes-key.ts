import { assertBytes } from "./bytes.ts";
import { formatHex, parseHexBytes } from "./hex.ts";

/** An AES-128 key (AppKey, NwkKey, session keys, KEKs). */
export type Aes128Key = Uint8Array;

export const AES128_KEY_LENGTH = 16;

/** Parses a 16-byte key written as hex, with the same separators as EUIs. */
export function parseAes128Key(text: string, kind = "AES-128 key"): Aes128Key {
  return parseHexBytes(text, AES128_KEY_LENGTH, kind, "2B7E151628AED2A6ABF7158809CF4F3C");
}

/** Upper-case hex of the key. */
export function formatAes128Key(key: Aes128Key): string {
  assertBytes(key, AES128_KEY_LENGTH, "AES-128 key");
  return formatHex(key);
}

// Standard or URL-safe alphabet (the protocol document's own example mixes them), padding
// optional. Decoded by table into a fresh array: Node's decoder skips characters it does not
// know (so it would need a check first) and returns views of a shared pool.
const values = new Int8Array(128).fill(-1);
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
values[0x2b] = 62; // +
values[0x2d] = 62; // -
values[0x2f] = 63; // /
values[0x5f] = 63; // _

const value = (text: string, index: number): number => {
  const code = text.charCodeAt(index);
  return code < 128 ? (values[code] as number) : -1;
};

/** Decodes base64 with or without padding; `undefined` for anything else. */
export function decodeBase64(text: string): Uint8Array | undefined {
  let length = text.length;
  if (length > 0 && text.charCodeAt(length - 1) === 0x3d) {
    // Padding, when present, must complete the last group of four.
    if (length % 4 !== 0) return undefined;
    length -= text.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  }
  const tail = length % 4;
  if (tail === 1) return undefined;
  const bytes = new Uint8Array(((length - tail) / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let out = 0;
  let index = 0;
  for (; index + 4 <= length; index += 4) {
    const a = value(text, index);
    const b = value(text, index + 1);
    const c = value(text, index + 2);
    const d = value(text, index + 3);
    if ((a | b | c | d) < 0) return undefined;
    const group = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[out++] = group >>> 16;
    bytes[out++] = (group >>> 8) & 0xff;
    bytes[out++] = group & 0xff;
  }
  if (tail >= 2) {
    const a = value(text, index);
    const b = value(text, index + 1);
    const c = tail === 3 ? value(text, index + 2) : 0;
    if ((a | b | c) < 0) return undefined;
    const group = (a << 18) | (b << 12) | (c << 6);
    bytes[out++] = group >>> 16;
    if (tail === 3) bytes[out] = (group >>> 8) & 0xff;
  }
  return bytes;
}

/** Standard base64 with padding, as the forwarders write it. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
}

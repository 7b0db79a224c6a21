// Standard or URL-safe alphabet (the protocol document's own example mixes them), padding
// optional. Node's decoder skips characters it does not know, so the text is checked first.
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes base64 with or without padding; `undefined` for anything else. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!base64Pattern.test(text)) return undefined;
  let length = text.length;
  if (text.charCodeAt(length - 1) === 61) length--;
  if (text.charCodeAt(length - 1) === 61) length--;
  // Padding, when present, must complete the last group; one leftover character is no byte.
  if (length !== text.length && text.length % 4 !== 0) return undefined;
  if (length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64");
  // A copy: a view would keep Node's shared 8 KiB pool alive and expose it through `.buffer`.
  return new Uint8Array(bytes);
}

/** Standard base64 with padding, as the forwarders write it. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
}

// Shared by the codec tests: hex literals for golden vectors.

/** Bytes of a hex string; spaces (used to show field boundaries) are ignored. */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}

/** Frame payloads in the Console: typed as hex, sent as base64 (TTS JSON for bytes). */

/** The bytes of a hex string (spaces allowed between bytes), or an error sentence. */
export function parseHex(text: string): { bytes: Uint8Array } | { error: string } {
  const hex = text.replace(/\s+/g, "").replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { error: "Only hex digits (0-9, a-f) and spaces" };
  if (hex.length % 2 !== 0) return { error: "An even number of hex digits (two per byte)" };
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return { bytes };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Upper-case hex with a space between bytes; "" for an invalid base64 string. */
export function base64ToHex(base64: string): string {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return "";
  }
  const parts: string[] = [];
  for (let i = 0; i < binary.length; i++)
    parts.push(binary.charCodeAt(i).toString(16).padStart(2, "0").toUpperCase());
  return parts.join(" ");
}

/** An FPort for an uplink test (1 to 223), or an error sentence. */
export function parseFPort(text: string): { fPort: number } | { error: string } {
  if (!/^\d+$/.test(text.trim())) return { error: "A number from 1 to 223" };
  const fPort = Number(text.trim());
  if (fPort < 1 || fPort > 223) return { error: "A number from 1 to 223" };
  return { fPort };
}

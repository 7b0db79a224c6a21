/**
 * Station identities. Basics Station names a gateway by a 64-bit EUI, written as dashed hex
 * (`00-16-C0-01-FF-FE-00-01`), plain hex, a JSON integer, or the IPv6-like "id6" form
 * (`16:c001:fffe:1`, `::1`) that station 2.0.6 sends in its router-info request. The parse
 * rules are station's own (`rt_readEui` in src/rt.c); EUIs are bytes in display order.
 */

const MAX_EUI = (1n << 64n) - 1n;

/** The EUI as a 64-bit integer. */
export function euiToBigInt(eui: Uint8Array): bigint {
  let value = 0n;
  for (const byte of eui) value = (value << 8n) | BigInt(byte);
  return value;
}

/** The 8 bytes (display order) of a 64-bit integer. */
export function euiFromBigInt(value: bigint): Uint8Array {
  const eui = new Uint8Array(8);
  let rest = value;
  for (let index = 7; index >= 0; index--) {
    eui[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return eui;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * One side of an id6 `::`: up to four colon-separated groups of 1–4 hex digits, as an
 * integer and its width in bits; undefined when malformed.
 */
function id6Fragment(text: string): { value: bigint; bits: number } | undefined {
  const groups = text.split(":");
  let value = 0n;
  for (const group of groups) {
    if (group.length === 0 || group.length > 4) return undefined;
    let number = 0;
    for (let index = 0; index < group.length; index++) {
      const digit = hexDigit(group.charCodeAt(index));
      if (digit < 0) return undefined;
      number = number * 16 + digit;
    }
    value = (value << 16n) | BigInt(number);
  }
  return { value, bits: groups.length * 16 };
}

function parseId6(text: string): bigint | undefined {
  const gap = text.indexOf("::");
  if (gap < 0) {
    // Without `::` the groups are right-aligned, as station reads `1:2:3`.
    return id6Fragment(text)?.value;
  }
  const head = text.slice(0, gap);
  const tail = text.slice(gap + 2);
  if (tail.includes("::")) return undefined;
  const high = head === "" ? { value: 0n, bits: 0 } : id6Fragment(head);
  const low = tail === "" ? { value: 0n, bits: 0 } : id6Fragment(tail);
  if (high === undefined || low === undefined || high.bits + low.bits > 48) return undefined;
  return (high.value << BigInt(64 - high.bits)) | low.value;
}

function parseEuiText(text: string): bigint | undefined {
  let dashes = 0;
  let colons = 0;
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 45) dashes++;
    else if (code === 58) colons++;
    else if (hexDigit(code) >= 0) digits++;
    else return undefined;
  }
  if (digits === 0 || (dashes > 0 && colons > 0) || dashes > 7 || colons > 7 || digits > 16)
    return undefined;
  // Two or three colons make an id6 (station's rule); more are a MAC-style EUI.
  if (colons === 2 || colons === 3) return parseId6(text);
  // Missing digits are leading zeros, as station reads them.
  let value = 0n;
  for (let index = 0; index < text.length; index++) {
    const digit = hexDigit(text.charCodeAt(index));
    if (digit >= 0) value = (value << 4n) | BigInt(digit);
  }
  return value;
}

/**
 * A station EUI from a JSON value (string in any of station's forms, or integer); undefined
 * when it is none. The zero EUI is returned as such: whether it is acceptable is the caller's
 * decision.
 */
export function parseStationEui(value: unknown): Uint8Array | undefined {
  let number: bigint | undefined;
  if (typeof value === "string") number = parseEuiText(value);
  else if (typeof value === "bigint") number = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) number = BigInt(value);
  if (number === undefined || number < 0n || number > MAX_EUI) return undefined;
  return euiFromBigInt(number);
}

/** The id6 form of an EUI, exactly as station writes it (`encId6` in src/uj.c). */
export function formatId6(eui: Uint8Array): string {
  const g = [0, 2, 4, 6].map((offset) => ((eui[offset] ?? 0) << 8) | (eui[offset + 1] ?? 0));
  const h = g.map((group) => group.toString(16));
  if (g[0] === 0 && g[1] === 0) return g[2] === 0 ? `::${h[3]}` : `::${h[2]}:${h[3]}`;
  if (g[2] === 0 && g[3] === 0) return g[1] === 0 ? `${h[0]}::` : `${h[0]}:${h[1]}::`;
  if (g[1] === 0 && g[2] === 0) return `${h[0]}::${h[3]}`;
  return h.join(":");
}

/** `00-16-C0-01-FF-FE-00-01`: the form station uses for DevEui and JoinEui fields. */
export function formatDashedEui(eui: Uint8Array): string {
  return Array.from(eui, (byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join("-");
}

/** `0016C001FFFE0001`: upper-case hex without separators (the traffic path's form). */
export function formatHexEui(eui: Uint8Array): string {
  return formatDashedEui(eui).replaceAll("-", "");
}

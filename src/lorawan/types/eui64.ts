import { assertBytes } from "./bytes.ts";
import { formatHex, parseHexBytes } from "./hex.ts";

/** A 64-bit extended unique identifier (DevEUI, JoinEUI, gateway EUI), in display order. */
export type Eui64 = Uint8Array;

export const EUI64_LENGTH = 8;

/** Parses an EUI-64 as users type it: `70B3D57ED0000001`, `70-B3-...`, `70:b3:...`. */
export function parseEui64(text: string, kind = "EUI-64"): Eui64 {
  return parseHexBytes(text, EUI64_LENGTH, kind, "70B3D57ED0000001");
}

/** Upper-case hex, e.g. `70B3D57ED0000001`. */
export function formatEui64(eui: Eui64): string {
  assertBytes(eui, EUI64_LENGTH, "EUI-64");
  return formatHex(eui);
}

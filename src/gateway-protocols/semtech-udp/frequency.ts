/** Highest frequency accepted from a gateway, in MHz (2.4 GHz LoRa included, with margin). */
const MAX_MHZ = 10_000;

/**
 * A `freq` in MHz as a whole number of Hz, rounded: 868.1 × 10⁶ is 868099999.9999999 in
 * binary floating point, and the protocol promises Hz precision. `undefined` if not a
 * positive finite number.
 */
export function megahertzToHertz(value: unknown): number | undefined {
  if (typeof value !== "number" || !(value > 0) || value > MAX_MHZ) return undefined;
  return Math.round(value * 1e6);
}

/**
 * Hz as `freq` text in MHz, exact for every reader. lora_pkt_fwd truncates
 * `(uint32_t)(1e6 * strtod(text))`, which for about 2% of frequencies (128.003 MHz, ...) gives
 * one Hz less; for those a digit of 10⁻¹⁰ MHz is appended so that truncating and rounding
 * readers both get the intended Hz. JavaScript's Number() and multiplication are the same IEEE
 * operations as strtod and C's `*`, so the check here is the forwarder's own arithmetic.
 */
export function hertzToMegahertzText(hertz: number): string {
  const whole = Math.trunc(hertz / 1e6);
  const rest = hertz - whole * 1e6;
  if (rest === 0) return String(whole);
  const fraction = String(rest).padStart(6, "0");
  const text = `${whole}.${fraction.replace(/0+$/, "")}`;
  if (Math.trunc(1e6 * Number(text)) === hertz) return text;
  return `${whole}.${fraction}0001`;
}

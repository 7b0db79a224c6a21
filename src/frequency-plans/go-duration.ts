/** Nanoseconds per unit of a Go duration (`time.ParseDuration`). */
const nanosecondsPer: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const durationPattern = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/;

/**
 * A duration as The Things Stack's YAML files write it, in nanoseconds: a Go duration such as
 * `400ms`, `1m30s` or `128us`, or an integer (taken as nanoseconds, as Go reads it). Negative
 * and malformed durations give `undefined`.
 */
export function parseGoDuration(value: unknown): number | undefined {
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  let rest = value.trim();
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const match = durationPattern.exec(rest);
    if (!match) return undefined;
    const [whole] = match;
    const unit = /(?:ns|us|µs|μs|ms|s|m|h)$/.exec(whole)?.[0] as string;
    total += Number(whole.slice(0, -unit.length)) * (nanosecondsPer[unit] as number);
    rest = rest.slice(whole.length);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** The later of two RFC 3339 times (either may be missing or unreadable). */
export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || Number.isNaN(Date.parse(a))) return b && !Number.isNaN(Date.parse(b)) ? b : undefined;
  if (!b || Number.isNaN(Date.parse(b))) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

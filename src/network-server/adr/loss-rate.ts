/**
 * The share of uplinks lost between the first and the last of `fCnts` (full frame counters,
 * oldest first): missing counters over the counters spanned. A counter that goes back (a reset)
 * starts the count again from there. Fewer than two uplinks: 0.
 */
export function lossRate(fCnts: readonly number[]): number {
  let start = 0;
  for (let i = 1; i < fCnts.length; i++) {
    if ((fCnts[i] as number) < (fCnts[i - 1] as number)) start = i;
  }
  const span = fCnts.slice(start);
  if (span.length < 2) return 0;
  const first = span[0] as number;
  const last = span[span.length - 1] as number;
  let lost = 0;
  for (let i = 1; i < span.length; i++) {
    const gap = (span[i] as number) - (span[i - 1] as number) - 1;
    if (gap > 0) lost += gap;
  }
  return lost / (last - first + 1);
}

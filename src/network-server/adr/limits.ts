/** An inclusive range of indices; empty when `min > max`. */
export interface IndexRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Narrows `range` until both ends are allowed: a rejected (or undefined) index at either end is
 * given up, as a device that refused it once will refuse it again. Indices inside stay and are
 * skipped where they are chosen.
 */
export function trimRange(range: IndexRange, allowed: (index: number) => boolean): IndexRange {
  let { min, max } = range;
  while (min <= max && !allowed(min)) min++;
  while (max >= min && !allowed(max)) max--;
  return { min, max };
}

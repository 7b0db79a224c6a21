/**
 * A sorted list of disjoint time intervals [start, end) in concentrator µs, with prefix sums
 * of their durations so that "how much of [from, to) is covered" costs two binary searches.
 * The scheduler keeps one for the gateway (emissions plus their time off air, which never
 * overlap) and one per sub-band (emissions only, for the duty cycle).
 */

/** One interval; `key` identifies what booked it so it can be removed. */
export interface Interval {
  readonly start: number;
  readonly end: number;
  readonly key: object;
}

export class Timeline {
  #items: Interval[] = [];
  /** `#prefix[i]` = total duration of items[0..i); rebuilt lazily after a change. */
  #prefix: number[] | undefined = [0];

  get size(): number {
    return this.#items.length;
  }

  /** The intervals in order (for tests and statistics). */
  get items(): readonly Interval[] {
    return this.#items;
  }

  /** Index of the first interval whose end is after `time`. */
  firstEndingAfter(time: number): number {
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.#items[middle] as Interval).end > time) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Index of the first interval that starts at or after `time`. */
  firstStartingFrom(time: number): number {
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.#items[middle] as Interval).start >= time) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** An interval that overlaps [start, end), if any. */
  overlapping(start: number, end: number): Interval | undefined {
    const index = this.firstEndingAfter(start);
    const candidate = this.#items[index];
    return candidate !== undefined && candidate.start < end ? candidate : undefined;
  }

  /** Inserts an interval; the caller guarantees it overlaps none. */
  insert(interval: Interval): void {
    this.#items.splice(this.firstStartingFrom(interval.start), 0, interval);
    this.#prefix = undefined;
  }

  /** Removes the interval booked with `key`; returns whether there was one. */
  remove(key: object, start: number): boolean {
    for (let index = this.firstStartingFrom(start); index < this.#items.length; index++) {
      const item = this.#items[index] as Interval;
      if (item.start > start) break;
      if (item.key === key) {
        this.#items.splice(index, 1);
        this.#prefix = undefined;
        return true;
      }
    }
    return false;
  }

  /** Drops every interval that ended at or before `time`. */
  pruneBefore(time: number): void {
    const count = this.firstEndingAfter(time);
    if (count === 0) return;
    this.#items.splice(0, count);
    this.#prefix = undefined;
  }

  /** Time within [from, to) covered by the intervals. */
  covered(from: number, to: number): number {
    if (to <= from || this.#items.length === 0) return 0;
    const prefix = this.#prefixSums();
    const first = this.firstEndingAfter(from);
    const afterLast = this.firstStartingFrom(to);
    if (afterLast <= first) return 0;
    let total = (prefix[afterLast] as number) - (prefix[first] as number);
    const head = this.#items[first] as Interval;
    if (head.start < from) total -= from - head.start;
    const tail = this.#items[afterLast - 1] as Interval;
    if (tail.end > to) total -= tail.end - to;
    return total;
  }

  #prefixSums(): number[] {
    if (this.#prefix !== undefined) return this.#prefix;
    const prefix = new Array<number>(this.#items.length + 1);
    prefix[0] = 0;
    for (let index = 0; index < this.#items.length; index++) {
      const item = this.#items[index] as Interval;
      prefix[index + 1] = (prefix[index] as number) + (item.end - item.start);
    }
    this.#prefix = prefix;
    return prefix;
  }
}

/**
 * ULIDs (26 characters of Crockford's base 32: 48 bits of milliseconds, 80 random bits), as The
 * Things Stack gives events their `unique_id`. Their text sorts by time, so the event store keeps
 * them in time order without a separate time column, and `after` is a range on the id.
 */
import { randomFillSync } from "node:crypto";

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const timeLength = 10;
const randomLength = 16;
const maxTime = 2 ** 48 - 1;

/** Random bytes drawn from the system in blocks: one call per 256 ids, not one per id. */
const randomPool = new Uint8Array(randomLength * 256);
let randomPoolUsed = randomPool.length;

function fillRandom(target: Uint8Array): void {
  if (randomPoolUsed + target.length > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolUsed = 0;
  }
  target.set(randomPool.subarray(randomPoolUsed, randomPoolUsed + target.length));
  randomPoolUsed += target.length;
}

/** A ULID and the time it carries (an event's `time` is the time of its id). */
export interface Ulid {
  id: string;
  ms: number;
}

function encodeTime(ms: number): string {
  let text = "";
  let rest = Math.floor(ms);
  for (let index = 0; index < timeLength; index++) {
    text = alphabet[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

/**
 * Makes ULIDs that increase strictly within the process: ids made in the same millisecond (or
 * while the clock went back) keep the last time and increment the random part, so that events
 * published one after another sort in that order.
 */
export class UlidFactory {
  readonly #now: () => number;
  #lastMs = -1;
  /** The random part as 16 base-32 digits, least significant last. */
  readonly #random = new Uint8Array(randomLength);

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  next(): Ulid {
    const now = Math.min(Math.max(this.#now(), 0), maxTime);
    if (now > this.#lastMs) {
      this.#lastMs = now;
      fillRandom(this.#random);
      for (let index = 0; index < randomLength; index++)
        this.#random[index] = (this.#random[index] as number) & 31;
    } else if (!this.#increment()) {
      // 2^80 ids in one millisecond: move on to the next one.
      this.#lastMs++;
    }
    let random = "";
    for (const digit of this.#random) random += alphabet[digit];
    return { id: encodeTime(this.#lastMs) + random, ms: this.#lastMs };
  }

  #increment(): boolean {
    for (let index = randomLength - 1; index >= 0; index--) {
      const digit = this.#random[index] as number;
      if (digit < 31) {
        this.#random[index] = digit + 1;
        return true;
      }
      this.#random[index] = 0;
    }
    return false;
  }
}

const shared = new UlidFactory();

/** A new ULID of this process's factory. */
export function newUlid(): Ulid {
  return shared.next();
}

/**
 * The greatest ULID of a millisecond: ids greater than it are of later milliseconds, so
 * `id > ulidCeiling(ms)` selects what happened after `ms`.
 */
export function ulidCeiling(ms: number): string {
  return encodeTime(Math.min(Math.max(Math.floor(ms), 0), maxTime)) + "Z".repeat(randomLength);
}

/** The smallest ULID of a millisecond: ids below it are of earlier milliseconds. */
export function ulidFloor(ms: number): string {
  return encodeTime(Math.min(Math.max(Math.floor(ms), 0), maxTime)) + "0".repeat(randomLength);
}

/** Whether `text` has the form of a ULID. */
export function isUlid(text: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(text);
}

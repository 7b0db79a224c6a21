import { errConsumerTooSlow } from "./errors.ts";
import type { StackEvent } from "./event.ts";

/** A subscription: an async iterator of events that can be closed. */
export interface EventSubscription extends AsyncIterableIterator<StackEvent> {
  /** Events dropped because the subscriber fell more than `capacity` events behind. */
  readonly dropped: number;
  close(): void;
}

/**
 * What a subscriber that falls `capacity` events behind gets: `drop-oldest` keeps the newest
 * events and counts the others in `dropped`; `close` ends the subscription with
 * `consumer_too_slow` (a stream client must not miss events silently, nor be buffered for
 * without limit).
 */
export type OverflowPolicy = "drop-oldest" | "close";

/** One subscriber's buffer between the bus and its reader. */
export class Subscription implements EventSubscription {
  /** The entity keys it subscribed to (the bus indexes it under each). */
  readonly keys: readonly string[];
  readonly #names: ReadonlySet<string> | undefined;
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  readonly #onClose: (subscription: Subscription) => void;
  readonly #queue: StackEvent[] = [];
  #waiting: ((result: IteratorResult<StackEvent>) => void) | undefined;
  #failure: Error | undefined;
  #closed = false;
  dropped = 0;

  constructor(options: {
    keys: readonly string[];
    names: ReadonlySet<string> | undefined;
    capacity: number;
    overflow: OverflowPolicy;
    onClose: (subscription: Subscription) => void;
  }) {
    this.keys = options.keys;
    this.#names = options.names;
    this.#capacity = options.capacity;
    this.#overflow = options.overflow;
    this.#onClose = options.onClose;
  }

  /** Queues an event the bus found about one of its entities, if its name is wanted. */
  offer(event: StackEvent): void {
    if (this.#closed || (this.#names !== undefined && !this.#names.has(event.name))) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.#queue.length < this.#capacity) {
      this.#queue.push(event);
      return;
    }
    this.dropped++;
    if (this.#overflow === "close") {
      this.#failure = errConsumerTooSlow.create({ capacity: this.#capacity });
      this.close();
      return;
    }
    this.#queue.shift();
    this.#queue.push(event);
  }

  next(): Promise<IteratorResult<StackEvent>> {
    const event = this.#queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<StackEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the subscription; its buffer is released at once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#onClose(this);
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

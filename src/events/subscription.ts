import { errConsumerTooSlow } from "./errors.ts";
import type { StackEvent } from "./event.ts";

/**
 * What {@link Subscription.read} gives besides events: a mark that the subscriber's rights may
 * have changed, placed after the events offered before the change and before later ones.
 */
export const rightsChanged: unique symbol = Symbol("rights changed");

/** What a subscription's reader gets in order: events, and marks of rights changes. */
export type SubscriptionItem = StackEvent | typeof rightsChanged;

type Item = SubscriptionItem;

/** A subscription: an async iterator of events that can be closed. */
export interface EventSubscription extends AsyncIterableIterator<StackEvent> {
  /** Events dropped because the subscriber fell more than `capacity` events behind. */
  readonly dropped: number;
  /** The next event or rights-change mark (iterating gives events only). */
  read(): Promise<IteratorResult<SubscriptionItem>>;
  /** Queues a rights-change mark after the events queued so far. */
  markRightsChanged(): void;
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
  readonly #queue: Item[] = [];
  #waiting: ((result: IteratorResult<Item>) => void) | undefined;
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
    if (this.#handOver(event)) return;
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

  /**
   * Marks that the subscriber's rights may have changed: its reader gets {@link rightsChanged}
   * from `read` after what is queued now. Marks in a row count as one.
   */
  markRightsChanged(): void {
    if (this.#closed || this.#queue.at(-1) === rightsChanged) return;
    if (!this.#handOver(rightsChanged)) this.#queue.push(rightsChanged);
  }

  /** The next event or mark, in the order they came. */
  read(): Promise<IteratorResult<Item>> {
    const item = this.#queue.shift();
    if (item) return Promise.resolve({ value: item, done: false });
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

  /** The next event (marks are skipped). */
  async next(): Promise<IteratorResult<StackEvent>> {
    for (;;) {
      const result = await this.read();
      if (result.done || result.value !== rightsChanged)
        return result as IteratorResult<StackEvent>;
    }
  }

  /** Gives the item to a waiting reader, if there is one. */
  #handOver(item: Item): boolean {
    const resolve = this.#waiting;
    if (!resolve) return false;
    this.#waiting = undefined;
    resolve({ value: item, done: false });
    return true;
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

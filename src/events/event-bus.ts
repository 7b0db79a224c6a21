import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { EntityRef, StackEvent } from "./event.ts";

/** What a subscriber wants: events about these entities, optionally only these names. */
export interface EventFilter {
  identifiers: readonly EntityRef[];
  /** Event names, or prefixes ending in `*` (`as.up.*`); empty means every name. */
  names?: readonly string[];
}

/** A subscription: an async iterator of events that can be closed. */
export interface EventSubscription extends AsyncIterableIterator<StackEvent> {
  /** Events dropped because the subscriber fell more than `capacity` events behind. */
  readonly dropped: number;
  close(): void;
}

export type PublishInput = Omit<StackEvent, "time" | "uniqueId" | "origin" | "correlationIds"> &
  Partial<Pick<StackEvent, "time" | "uniqueId" | "origin" | "correlationIds">>;

/**
 * The in-process event bus. Publishing never waits on subscribers: each subscription buffers
 * up to `capacity` events and drops the oldest beyond that (counted in `dropped`), so a slow
 * stream client cannot hold up the stack. The cluster transport fans events out across
 * instances and delivers them here.
 */
export class EventBus {
  readonly #subscriptions = new Set<Subscription>();
  readonly #origin: string;
  #closed = false;

  constructor(options: { origin?: string } = {}) {
    this.#origin = options.origin ?? hostname();
  }

  publish(input: PublishInput): StackEvent {
    const event: StackEvent = {
      ...input,
      time: input.time ?? new Date(),
      uniqueId: input.uniqueId ?? randomUUID().replaceAll("-", ""),
      origin: input.origin ?? this.#origin,
      correlationIds: input.correlationIds ?? [],
    };
    for (const subscription of this.#subscriptions) subscription.offer(event);
    return event;
  }

  subscribe(filter: EventFilter, options: { capacity?: number } = {}): EventSubscription {
    const subscription = new Subscription(filter, options.capacity ?? 1024, () =>
      this.#subscriptions.delete(subscription),
    );
    if (this.#closed) subscription.close();
    else this.#subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Ends every subscription (their streams finish cleanly) and every later one at once: the
   * process is stopping, and open event streams must not hold up the shutdown.
   */
  close(): void {
    this.#closed = true;
    for (const subscription of [...this.#subscriptions]) subscription.close();
  }

  /** Number of open subscriptions (for metrics and tests). */
  get subscriberCount(): number {
    return this.#subscriptions.size;
  }
}

class Subscription implements EventSubscription {
  readonly #keys: Set<string>;
  readonly #names: readonly string[];
  readonly #capacity: number;
  readonly #onClose: () => void;
  readonly #queue: StackEvent[] = [];
  #waiting: ((result: IteratorResult<StackEvent>) => void) | undefined;
  #closed = false;
  dropped = 0;

  constructor(filter: EventFilter, capacity: number, onClose: () => void) {
    this.#keys = new Set(filter.identifiers.map(key));
    this.#names = filter.names ?? [];
    this.#capacity = capacity;
    this.#onClose = onClose;
  }

  offer(event: StackEvent): void {
    if (this.#closed || !this.#matches(event)) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length > this.#capacity) {
      this.#queue.shift();
      this.dropped++;
    }
  }

  #matches(event: StackEvent): boolean {
    if (!event.identifiers.some((identifier) => this.#keys.has(key(identifier)))) return false;
    if (this.#names.length === 0) return true;
    return this.#names.some((pattern) =>
      pattern.endsWith("*") ? event.name.startsWith(pattern.slice(0, -1)) : event.name === pattern,
    );
  }

  next(): Promise<IteratorResult<StackEvent>> {
    const event = this.#queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<StackEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#onClose();
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function key(ref: EntityRef): string {
  return `${ref.kind}:${ref.id}`;
}

import { hostname } from "node:os";
import { Counter, type Registry } from "prom-client";
import { InProcessPubSub } from "../cluster/in-process/pubsub.ts";
import type { PubSub, Topic, Unsubscribe } from "../cluster/pubsub.ts";
import { currentCorrelationIds } from "./correlation.ts";
import { type EventDefinition, requireDataOfType, requireDefined } from "./definition.ts";
import { applicationOfDevice, type EntityRef, entityKey, type StackEvent } from "./event.ts";
import { type EventSubscription, type OverflowPolicy, Subscription } from "./subscription.ts";
import { newUlid } from "./ulid.ts";
import { eventCodec } from "./wire.ts";

/** What a subscriber wants: events about these entities, optionally only these names. */
export interface EventFilter {
  /** An application also brings the events of its end devices. */
  identifiers: readonly EntityRef[];
  /** Defined event names (exact); absent means every name. Patterns are resolved before. */
  names?: Iterable<string>;
}

/** What a publisher gives; the bus adds the time, unique id, origin and visibility. */
export interface PublishInput<Data> {
  identifiers: readonly EntityRef[];
  data?: Data;
  correlationIds?: readonly string[];
}

export interface EventBusOptions {
  /**
   * Where events fan out: every event goes to one topic, so a subscriber on any instance sees
   * the events of every instance. Default: an in-process PubSub (a single instance).
   */
  pubsub?: PubSub;
  /** The topic name; default `events`. */
  topic?: string;
  /** The `origin` of published events; default the host name. */
  origin?: string;
  /** Where the bus registers its counters. */
  metrics?: Registry;
  /** Told about events from other instances that could not be read (they are dropped). */
  onMalformed?: (error: unknown) => void;
  /**
   * Told about every event this instance publishes, once, before it fans out (the event store
   * keeps what each instance publishes). Must not throw or wait.
   */
  onPublish?: (event: StackEvent) => void;
}

/** When a listener of {@link EventBus.listen} is called for an event. */
export interface ListenOptions {
  /**
   * After the event was offered to the subscriptions instead of before: what the listener does
   * to a subscription comes after the event in its order (a stream re-checks its rights after
   * the event that changed them, before any later one).
   */
  afterSubscriptions?: boolean;
}

/**
 * The event bus. `publish` hands an event to the PubSub topic and returns; every instance
 * (this one included) receives it from the topic and offers it to its local subscriptions,
 * found through an index from entity to subscriptions, never by scanning them all. Publishing
 * never waits on subscribers: each subscription buffers up to its capacity.
 */
export class EventBus {
  readonly #index = new Map<string, Set<Subscription>>();
  readonly #listeners = new Set<(event: StackEvent) => void>();
  readonly #afterListeners = new Set<(event: StackEvent) => void>();
  readonly #onPublish: ((event: StackEvent) => void) | undefined;
  readonly #topic: Topic<StackEvent | undefined>;
  readonly #unsubscribe: Unsubscribe;
  readonly #ownsPubSub: PubSub | undefined;
  readonly #origin: string;
  readonly #counters: ReturnType<typeof counters>;
  readonly #open = new Set<Subscription>();
  #closed = false;

  constructor(options: EventBusOptions = {}) {
    this.#origin = options.origin ?? hostname();
    this.#onPublish = options.onPublish;
    this.#counters = counters(options.metrics);
    const pubsub = options.pubsub ?? new InProcessPubSub();
    this.#ownsPubSub = options.pubsub ? undefined : pubsub;
    this.#topic = pubsub.topic(
      options.topic ?? "events",
      eventCodec((error) => {
        this.#counters.dropped.inc({ reason: "malformed" });
        options.onMalformed?.(error);
      }),
    );
    this.#unsubscribe = this.#topic.subscribe((event) => {
      if (event) this.#deliver(event);
    });
  }

  /**
   * Publishes an event of a definition. The definition must be the one `defineEvent` returned
   * and the data of its data type; the visibility is the definition's. The event carries the
   * correlation ids of the current scope (the API call it happens in) before its own, and a
   * ULID as its unique id, whose time is the event's.
   */
  publish<Data>(definition: EventDefinition<Data>, input: PublishInput<NoInfer<Data>>): StackEvent {
    requireDefined(definition as EventDefinition<unknown>);
    requireDataOfType(definition as EventDefinition<unknown>, input.data);
    const { id, ms } = newUlid();
    const scoped = currentCorrelationIds();
    const own = input.correlationIds ?? [];
    const event: StackEvent = {
      name: definition.name,
      time: new Date(ms),
      identifiers: input.identifiers,
      correlationIds: scoped.length === 0 ? own : [...new Set([...scoped, ...own])],
      origin: this.#origin,
      visibility: definition.visibility,
      uniqueId: id,
    };
    if (input.data !== undefined) event.data = input.data;
    this.#counters.published.inc();
    this.#onPublish?.(event);
    this.#topic.publish(event);
    return event;
  }

  /** Subscribes to the events of some entities (and the devices of applications). */
  subscribe(
    filter: EventFilter,
    options: { capacity?: number; overflow?: OverflowPolicy } = {},
  ): EventSubscription {
    const keys = [...new Set(filter.identifiers.map(entityKey))];
    const subscription = new Subscription({
      keys,
      names: filter.names === undefined ? undefined : new Set(filter.names),
      capacity: options.capacity ?? 1024,
      overflow: options.overflow ?? "drop-oldest",
      onClose: (closed) => this.#remove(closed),
    });
    if (this.#closed) {
      subscription.close();
      return subscription;
    }
    for (const key of keys) {
      let set = this.#index.get(key);
      if (!set) {
        set = new Set();
        this.#index.set(key, set);
      }
      set.add(subscription);
    }
    this.#open.add(subscription);
    return subscription;
  }

  /**
   * Calls `listener` with every event from every instance, whatever it is about (for an event
   * store, and for tests that record what was published).
   */
  listen(listener: (event: StackEvent) => void, options: ListenOptions = {}): Unsubscribe {
    const listeners = options.afterSubscriptions ? this.#afterListeners : this.#listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Ends every subscription (their streams finish cleanly) and every later one at once: the
   * process is stopping, and open event streams must not hold up the shutdown.
   */
  close(): void {
    this.#closed = true;
    for (const subscription of [...this.#open]) subscription.close();
    this.#unsubscribe();
    void this.#ownsPubSub?.close();
  }

  /** Number of open subscriptions (for metrics and tests). */
  get subscriberCount(): number {
    return this.#open.size;
  }

  #deliver(event: StackEvent): void {
    this.#counters.received.inc();
    for (const listener of this.#listeners) listener(event);
    this.#offer(event);
    for (const listener of this.#afterListeners) listener(event);
  }

  #offer(event: StackEvent): void {
    const { identifiers } = event;
    if (identifiers.length === 1 && identifiers[0]?.kind !== "end_device") {
      // The common case: one entity, one lookup, no set of matches to build.
      const set = this.#index.get(entityKey(identifiers[0] as EntityRef));
      if (set) for (const subscription of set) subscription.offer(event);
      return;
    }
    const matched = new Set<Subscription>();
    for (const ref of identifiers) {
      this.#collect(entityKey(ref), matched);
      const application = applicationOfDevice(ref);
      if (application) this.#collect(entityKey(application), matched);
    }
    for (const subscription of matched) subscription.offer(event);
  }

  #collect(key: string, into: Set<Subscription>): void {
    const set = this.#index.get(key);
    if (set) for (const subscription of set) into.add(subscription);
  }

  #remove(subscription: Subscription): void {
    if (!this.#open.delete(subscription)) return;
    for (const key of subscription.keys) {
      const set = this.#index.get(key);
      if (!set) continue;
      set.delete(subscription);
      if (set.size === 0) this.#index.delete(key);
    }
  }
}

function counters(metrics: Registry | undefined) {
  const registers = metrics ? [metrics] : [];
  return {
    published: new Counter({
      name: "lorastack_events_published_total",
      help: "Events published by this instance",
      registers,
    }),
    received: new Counter({
      name: "lorastack_events_received_total",
      help: "Events received from the events topic (from every instance)",
      registers,
    }),
    dropped: new Counter({
      name: "lorastack_events_dropped_total",
      help: "Events from the events topic that were dropped, by reason",
      labelNames: ["reason"],
      registers,
    }),
  };
}

/**
 * Where the embedded MQTT broker keeps what it shares: the emitter that carries every
 * publication to the subscribers, and the persistence of sessions (subscriptions of clients
 * with clean session off, their queued QoS 1 messages, retained messages).
 *
 * Without Redis both live in this process (aedes' own). With Redis they live there, so that
 * the brokers of every instance act as one: a message published on one instance reaches the
 * subscribers on all (mqemitter-redis: one Redis PUBLISH, received by each instance once), and
 * a session left on one instance is resumed on another with what was queued for it
 * (aedes-persistence-redis). Every Redis key and channel starts with `lorastack:mqtt:`.
 */
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../../log/logger.ts";
import { connectionErrorLog } from "../../storage/connection-log.ts";
import { type SessionCleaner, SessionExpiry } from "./session-expiry.ts";

const require = createRequire(import.meta.url);

/** The part of an MQEmitter the broker uses. */
export interface BrokerEmitter {
  on(topic: string, listener: EmitterListener, done?: () => void): unknown;
  removeListener(topic: string, listener: EmitterListener, done?: () => void): unknown;
  emit(message: EmittedMessage, done?: (error?: Error) => void): unknown;
  close(done: () => void): unknown;
}
export type EmittedMessage = Record<string, unknown> & { topic: string };
export type EmitterListener = (message: EmittedMessage, done: () => void) => void;

/** What the broker is built with, and how it is released after the broker closed. */
export interface BrokerState {
  /** `local` (this process) or `redis` (shared by every instance). */
  readonly kind: "local" | "redis";
  /** The broker's emitter; `undefined`: aedes' in-memory one. */
  readonly emitter: BrokerEmitter | undefined;
  /** aedes' persistence; `undefined`: aedes' in-memory one. */
  readonly persistence: unknown;
  /**
   * Ends persistent sessions that stay away (told of connections and disconnections of
   * persistent sessions, started with the broker); absent: sessions last as long as the process.
   */
  sessions(connected: () => Iterable<string>): SessionExpiry | undefined;
  /**
   * Closes what the broker does not close itself (the persistence's connection), and what it
   * failed to close gracefully (the emitter's, when Redis is away): called after the broker's
   * close returned or gave up.
   */
  release(): Promise<void>;
}

/** The state of a broker of one process: aedes' in-memory emitter and persistence. */
export function localBrokerState(): BrokerState {
  return {
    kind: "local",
    emitter: undefined,
    persistence: undefined,
    sessions: () => undefined,
    async release() {},
  };
}

export interface RedisBrokerStateOptions {
  /** `redis.uri`. */
  uri: string;
  /** This instance's name, in the Redis client names (`CLIENT LIST`). */
  instanceId: string;
  /** Start of every key and channel; default `lorastack:mqtt:`. */
  prefix?: string;
  /**
   * How long a message queued for a disconnected session is kept, in ms; a session that stays
   * disconnected this long is ended.
   */
  sessionMessageTtlMs: number;
  /** Messages queued per disconnected session at most (the oldest go first). */
  maxSessionMessages: number;
  logger?: Logger;
}

/** The state of a broker shared through Redis by every instance. */
export function redisBrokerState(options: RedisBrokerStateOptions): BrokerState {
  const prefix = options.prefix ?? "lorastack:mqtt:";
  const connect = (role: string, extra: RedisOptions = {}) => {
    const name = `lorastack-${options.instanceId}.mqtt-${role}`;
    const client = new Redis(options.uri, {
      connectionName: name,
      // Nothing connects before the broker starts (and nothing is left open if it never does).
      lazyConnect: true,
      maxRetriesPerRequest: 20,
      enableReadyCheck: true,
      ...extra,
    });
    const log = connectionErrorLog(options.logger, {
      redis: new URL(options.uri).host,
      connection: name,
    });
    client.on("error", (error: unknown) => log.failed(error));
    client.on("ready", () => log.restored());
    return client;
  };
  // Our ioredis clients are handed to packages that bring their own (older) ioredis: they use
  // only commands and events both versions have, and this way get our options (TLS from
  // `rediss://`, client names, the key prefix).
  const createEmitter = require("mqemitter-redis") as (options: object) => BrokerEmitter;
  const sub = connect("sub");
  const pub = connect("pub");
  const inner = createEmitter({
    subConn: sub,
    pubConn: pub,
    concurrency: 100,
    matchEmptyLevels: true,
  });
  // The emitter re-emits its connections' errors on `state`: without a listener, a Redis that
  // goes away would be an uncaught 'error' (the connections log their errors themselves).
  (inner as unknown as { state: NodeJS.EventEmitter }).state.on("error", () => {});
  const db = connect("sessions", { keyPrefix: prefix });
  const ttlSeconds = Math.max(1, Math.ceil(options.sessionMessageTtlMs / 1000));
  const AsyncRedisPersistence = require("aedes-persistence-redis/asyncPersistence.js") as new (
    options: object,
  ) => PersistenceWithQueue;
  const persistence = new AsyncRedisPersistence({
    conn: db,
    maxSessionDelivery: options.maxSessionMessages,
    packetTTL: () => ttlSeconds,
  });
  streamsAsReadables(persistence as unknown as Record<string, unknown>);
  boundSessionQueues(persistence, db, options.maxSessionMessages);
  return {
    kind: "redis",
    emitter: new PrefixedEmitter(inner, prefix),
    persistence,
    sessions: (connected) =>
      new SessionExpiry({
        db,
        persistence: persistence as unknown as SessionCleaner,
        ttlMs: options.sessionMessageTtlMs,
        connected,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    async release() {
      // The persistence's destroy unsubscribes through the (closed) broker: its connection is
      // closed here instead. The emitter's were quit by the broker's close; a quit that waits
      // for a Redis that is away ends here.
      for (const client of [db, sub, pub]) client.disconnect();
    },
  };
}

interface PersistenceWithQueue {
  outgoingEnqueueCombi(subs: { clientId: string }[], packet: object): Promise<void>;
}

/**
 * aedes-persistence-redis answers its streams as async generators, aedes pipes some of them
 * (retained messages on SUBSCRIBE): each becomes a Readable, as aedes' own persistence answers.
 */
function streamsAsReadables(persistence: Record<string, unknown>): void {
  for (const name of [
    "createRetainedStreamCombi",
    "createRetainedStream",
    "outgoingStream",
    "streamWill",
    "getClientList",
  ]) {
    const method = persistence[name];
    if (typeof method !== "function") continue;
    persistence[name] = (...args: unknown[]) =>
      Readable.from(method.apply(persistence, args) as AsyncIterable<unknown>);
  }
}

/**
 * Caps each session's queue: after a message is queued for disconnected sessions, each list
 * keeps its newest `max` entries. The messages themselves expire with their TTL, so what a
 * session that never comes back leaves behind is bounded in count and time.
 */
function boundSessionQueues(persistence: PersistenceWithQueue, db: Redis, max: number): void {
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    await enqueue(subs, packet);
    if (!subs || subs.length === 0) return;
    // aedes-persistence-redis's key of a session's queue (its `outgoing:` list).
    await Promise.all(
      subs.map((sub) => db.ltrim(`outgoing:${encodeURIComponent(sub.clientId)}`, -max, -1)),
    );
  };
}

/**
 * An emitter whose topics all start with `prefix` where it meets Redis (channels), and are
 * given back without it. Each (listener, topic) pair has its own wrapper, so that removing one
 * subscription of a client that has several removes exactly that one.
 */
export class PrefixedEmitter implements BrokerEmitter {
  readonly #inner: BrokerEmitter;
  readonly #prefix: string;
  readonly #wrappers = new WeakMap<EmitterListener, Map<string, EmitterListener>>();

  constructor(inner: BrokerEmitter, prefix: string) {
    this.#inner = inner;
    this.#prefix = prefix;
  }

  on(topic: string, listener: EmitterListener, done?: () => void): this {
    let byTopic = this.#wrappers.get(listener);
    if (!byTopic) {
      byTopic = new Map();
      this.#wrappers.set(listener, byTopic);
    }
    let wrapper = byTopic.get(topic);
    if (!wrapper) {
      const prefix = this.#prefix;
      wrapper = (message, callback) => {
        const named = message.topic;
        if (!named.startsWith(prefix)) return callback();
        listener({ ...message, topic: named.slice(prefix.length) }, callback);
      };
      byTopic.set(topic, wrapper);
    }
    this.#inner.on(this.#prefix + topic, wrapper, done);
    return this;
  }

  removeListener(topic: string, listener: EmitterListener, done?: () => void): this {
    const byTopic = this.#wrappers.get(listener);
    const wrapper = byTopic?.get(topic);
    if (!byTopic || !wrapper) {
      if (done) setImmediate(done);
      return this;
    }
    byTopic.delete(topic);
    this.#inner.removeListener(this.#prefix + topic, wrapper, done);
    return this;
  }

  emit(message: EmittedMessage, done?: (error?: Error) => void): this {
    this.#inner.emit({ ...message, topic: this.#prefix + message.topic }, done);
    return this;
  }

  close(done: () => void): this {
    this.#inner.close(done);
    return this;
  }
}

/**
 * An emitter that drops what is emitted on `topic` at once (nothing subscribes to it): the
 * publications of clients the broker moved there never travel to other instances.
 */
export function droppingEmitter(inner: BrokerEmitter, topic: string): BrokerEmitter {
  return {
    on: (name, listener, done) => inner.on(name, listener, done),
    removeListener: (name, listener, done) => inner.removeListener(name, listener, done),
    emit(message, done) {
      if (message.topic === topic) {
        if (done) setImmediate(done);
        return;
      }
      inner.emit(message, done);
    },
    close: (done) => inner.close(done),
  };
}

import type { Redis } from "ioredis";
import type { Logger } from "../../log/logger.ts";
import type { Codec } from "../codec.ts";
import { errInvalidInstanceId } from "../coordination-errors.ts";
import { Fanout } from "../fanout.ts";
import type { PubSub, Topic, Unsubscribe } from "../pubsub.ts";
import type { RedisKeys } from "./keys.ts";

export interface RedisPubSubOptions {
  /** The connection commands (PUBLISH) go through; owned by the caller. */
  publisher: Redis;
  /** A connection only for SUBSCRIBE (Redis reserves a subscribed connection); owned by the caller. */
  subscriber: Redis;
  instanceId: string;
  keys: RedisKeys;
  logger: Logger;
}

/**
 * The cluster {@link PubSub} over Redis channels. A message is handed to this instance's
 * subscribers at once, unencoded, and published to Redis framed with this instance's id; the
 * echo Redis sends back to this instance is ignored, so each subscriber gets it once.
 *
 * Frame: one byte with the length of the instance id, the id (UTF-8), the encoded message.
 */
export class RedisPubSub implements PubSub {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #id: Buffer;
  readonly #keys: RedisKeys;
  readonly #logger: Logger;
  readonly #fanout: Fanout;
  readonly #own = new Set<Unsubscribe>();
  /** The last SUBSCRIBE/UNSUBSCRIBE sent: they complete in order on one connection. */
  #pending: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #gapListeners = new Set<() => void>();
  /** Whether the subscriber connection was ready once: a later ready follows a gap. */
  #wasReady: boolean;
  /** Messages from other instances that could not be read (bad frame or codec error). */
  dropped = 0;
  /** Times the subscriber connection came back after a loss (messages may be missing). */
  gaps = 0;

  constructor(options: RedisPubSubOptions) {
    this.#id = Buffer.from(options.instanceId, "utf8");
    if (this.#id.length === 0 || this.#id.length > 255)
      throw errInvalidInstanceId.create({ instance_id: options.instanceId });
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#keys = options.keys;
    this.#logger = options.logger;
    this.#fanout = new Fanout({
      onError: (error, topic) =>
        this.#logger.error({ err: error, topic }, "pubsub subscriber failed"),
      onEmpty: (topic) => this.#send("unsubscribe", topic),
    });
    this.#subscriber.on("messageBuffer", this.#onMessage);
    this.#wasReady = this.#subscriber.status === "ready";
    this.#subscriber.on("ready", this.#onReady);
  }

  onGap(listener: () => void): Unsubscribe {
    this.#gapListeners.add(listener);
    return () => {
      this.#gapListeners.delete(listener);
    };
  }

  topic<T>(name: string, codec: Codec<T>): Topic<T> {
    const channel = this.#keys.channel(name);
    return {
      name,
      publish: (message) => {
        if (this.#closed) return;
        this.#fanout.deliver(name, message);
        let frame: Buffer;
        try {
          frame = Buffer.concat([Buffer.of(this.#id.length), this.#id, codec.encode(message)]);
        } catch (error) {
          this.#logger.error({ err: error, topic: name }, "pubsub message could not be encoded");
          return;
        }
        this.#publisher.publish(channel, frame).catch((error: unknown) => {
          this.#logger.warn({ err: error, topic: name }, "pubsub publish failed");
        });
      },
      subscribe: (handler) => {
        if (this.#closed) return () => {};
        const { unsubscribe, first } = this.#fanout.subscribe(name, codec, handler);
        if (first) this.#send("subscribe", name);
        const own = () => {
          this.#own.delete(own);
          unsubscribe();
        };
        this.#own.add(own);
        return own;
      },
    };
  }

  /** Resolves once every SUBSCRIBE and UNSUBSCRIBE sent so far is confirmed by Redis. */
  async ready(): Promise<void> {
    await this.#pending;
  }

  /**
   * Ends every subscription. Nothing is sent to Redis: the caller closes the subscriber
   * connection next, which ends its subscriptions, and a close must not wait on a Redis that
   * is down.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of [...this.#own]) unsubscribe();
    this.#subscriber.off("messageBuffer", this.#onMessage);
    this.#subscriber.off("ready", this.#onReady);
    this.#gapListeners.clear();
  }

  #send(command: "subscribe" | "unsubscribe", topic: string): void {
    if (this.#closed) return;
    const channel = this.#keys.channel(topic);
    const sent = this.#subscriber[command](channel).catch((error: unknown) => {
      if (!this.#closed) this.#logger.warn({ err: error, topic }, `pubsub ${command} failed`);
    });
    this.#pending = Promise.all([this.#pending, sent]);
  }

  /**
   * The subscriber connection is ready again after a loss: ioredis subscribes again to every
   * channel by itself; a PING queued behind those SUBSCRIBEs answers once they are in place,
   * and then listeners read again what they may have missed.
   */
  readonly #onReady = (): void => {
    if (!this.#wasReady) {
      this.#wasReady = true;
      return;
    }
    if (this.#closed) return;
    this.gaps++;
    this.#logger.info(
      { gaps: this.gaps },
      "pubsub reconnected: messages of the gap may be missing",
    );
    void this.#subscriber
      .ping()
      .catch(() => {})
      .then(() => {
        if (this.#closed) return;
        for (const listener of [...this.#gapListeners]) {
          try {
            listener();
          } catch (error) {
            this.#logger.error({ err: error }, "pubsub gap listener failed");
          }
        }
      });
  };

  readonly #onMessage = (channel: Buffer, frame: Buffer): void => {
    const topic = this.#keys.topicOf(channel.toString("utf8"));
    if (topic === undefined || this.#closed) return;
    const idLength = frame[0] ?? 0;
    if (idLength === 0 || frame.length < 1 + idLength) {
      this.#drop(topic, "malformed frame");
      return;
    }
    // This instance delivered its own messages when it published them.
    if (idLength === this.#id.length && this.#id.equals(frame.subarray(1, 1 + idLength))) return;
    if (!this.#fanout.deliverEncoded(topic, frame.subarray(1 + idLength)))
      this.#drop(topic, "message could not be decoded");
  };

  #drop(topic: string, reason: string): void {
    this.dropped++;
    this.#logger.warn({ topic, reason, dropped: this.dropped }, "pubsub message dropped");
  }
}

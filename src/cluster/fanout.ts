import type { Codec } from "./codec.ts";
import type { Unsubscribe } from "./pubsub.ts";

interface Subscription {
  handler: (message: unknown) => void;
  codec: Codec<unknown>;
}

/**
 * The subscribers of each topic within one process, and delivery to them: objects as they are
 * (published here) or bytes decoded once per codec (received from another instance). A
 * handler that throws is reported and does not keep the message from the others.
 */
export class Fanout {
  readonly #topics = new Map<string, Set<Subscription>>();
  readonly #onError: (error: unknown, topic: string) => void;
  readonly #onEmpty: (topic: string) => void;

  /**
   * `onError` hears of handlers that threw; `onEmpty` of topics whose last subscription ended
   * (a transport unsubscribes there).
   */
  constructor(
    options: {
      onError?: (error: unknown, topic: string) => void;
      onEmpty?: (topic: string) => void;
    } = {},
  ) {
    this.#onError = options.onError ?? (() => {});
    this.#onEmpty = options.onEmpty ?? (() => {});
  }

  /** Adds a subscription; `first` tells the caller that the topic had none before. */
  subscribe<T>(
    topic: string,
    codec: Codec<T>,
    handler: (message: T) => void,
  ): { unsubscribe: Unsubscribe; first: boolean } {
    let subscriptions = this.#topics.get(topic);
    const first = subscriptions === undefined;
    if (!subscriptions) {
      subscriptions = new Set();
      this.#topics.set(topic, subscriptions);
    }
    // A fresh entry per call: the same function may subscribe twice, and each counts.
    const entry: Subscription = {
      handler: handler as (message: unknown) => void,
      codec: codec as Codec<unknown>,
    };
    const set = subscriptions;
    set.add(entry);
    let done = false;
    return {
      first,
      unsubscribe: () => {
        if (done) return;
        done = true;
        set.delete(entry);
        if (set.size === 0 && this.#topics.get(topic) === set) {
          this.#topics.delete(topic);
          this.#onEmpty(topic);
        }
      },
    };
  }

  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  topics(): string[] {
    return [...this.#topics.keys()];
  }

  /** Hands a message published in this process to the topic's subscribers, unencoded. */
  deliver(topic: string, message: unknown): void {
    const subscriptions = this.#topics.get(topic);
    if (!subscriptions) return;
    for (const subscription of [...subscriptions]) this.#call(subscription, topic, message);
  }

  /**
   * Hands a message from another instance to the topic's subscribers, decoded once per codec.
   * Returns false when a codec could not decode it (those subscribers do not get it).
   */
  deliverEncoded(topic: string, bytes: Uint8Array): boolean {
    const subscriptions = this.#topics.get(topic);
    if (!subscriptions) return true;
    const decoded = new Map<Codec<unknown>, { ok: true; value: unknown } | { ok: false }>();
    let intact = true;
    for (const subscription of [...subscriptions]) {
      let result = decoded.get(subscription.codec);
      if (!result) {
        try {
          result = { ok: true, value: subscription.codec.decode(bytes) };
        } catch {
          result = { ok: false };
          intact = false;
        }
        decoded.set(subscription.codec, result);
      }
      if (result.ok) this.#call(subscription, topic, result.value);
    }
    return intact;
  }

  #call(subscription: Subscription, topic: string, message: unknown): void {
    try {
      subscription.handler(message);
    } catch (error) {
      this.#onError(error, topic);
    }
  }
}

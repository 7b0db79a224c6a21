import type { Codec } from "../codec.ts";
import type { PubSub, Topic, Unsubscribe } from "../pubsub.ts";

/**
 * The embedded {@link PubSub}: one process is the whole cluster, so a message is handed to the
 * topic's subscribers as it is, synchronously, without encoding.
 */
export class InProcessPubSub implements PubSub {
  readonly #handlers = new Map<string, Set<(message: unknown) => void>>();
  readonly #onError: (error: unknown, topic: string) => void;
  #closed = false;

  constructor(options: { onError?: (error: unknown, topic: string) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  topic<T>(name: string, _codec: Codec<T>): Topic<T> {
    return {
      name,
      publish: (message) => this.#deliver(name, message),
      subscribe: (handler) => this.#subscribe(name, handler as (message: unknown) => void),
    };
  }

  #deliver(name: string, message: unknown): void {
    const handlers = this.#handlers.get(name);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.#onError(error, name);
      }
    }
  }

  #subscribe(name: string, handler: (message: unknown) => void): Unsubscribe {
    if (this.#closed) return () => {};
    let handlers = this.#handlers.get(name);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(name, handlers);
    }
    // The same function may subscribe twice; each subscription is its own entry.
    const entry = (message: unknown) => handler(message);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.#handlers.get(name) === handlers) this.#handlers.delete(name);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
  }
}

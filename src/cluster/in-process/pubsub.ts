import type { Codec } from "../codec.ts";
import { Fanout } from "../fanout.ts";
import type { PubSub, Topic, Unsubscribe } from "../pubsub.ts";

/**
 * The embedded {@link PubSub}: one process is the whole cluster, so a message is handed to the
 * topic's subscribers as it is, synchronously, without encoding.
 */
export class InProcessPubSub implements PubSub {
  readonly #fanout: Fanout;
  readonly #own = new Set<Unsubscribe>();
  #closed = false;

  /**
   * `fanout` lets several objects share one set of subscribers, as instances of a cluster
   * share a transport (the conformance suite's two "instances"); each closes only its own.
   */
  constructor(
    options: { onError?: (error: unknown, topic: string) => void; fanout?: Fanout } = {},
  ) {
    this.#fanout = options.fanout ?? new Fanout({ onError: options.onError });
  }

  topic<T>(name: string, codec: Codec<T>): Topic<T> {
    return {
      name,
      publish: (message) => {
        if (!this.#closed) this.#fanout.deliver(name, message);
      },
      subscribe: (handler) => this.#subscribe(name, codec, handler),
    };
  }

  #subscribe<T>(name: string, codec: Codec<T>, handler: (message: T) => void): Unsubscribe {
    if (this.#closed) return () => {};
    const { unsubscribe } = this.#fanout.subscribe(name, codec, handler);
    const own = () => {
      this.#own.delete(own);
      unsubscribe();
    };
    this.#own.add(own);
    return own;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const unsubscribe of [...this.#own]) unsubscribe();
  }
}

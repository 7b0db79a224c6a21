import type { Codec } from "../cluster/codec.ts";
import type { PubSub, Topic } from "../cluster/pubsub.ts";

/**
 * A PubSub shared by several simulated instances: each message is encoded with the topic's
 * codec and decoded separately for every instance, as a Redis PubSub would.
 */
export class FakeCluster {
  readonly #handlers = new Set<{
    name: string;
    codec: Codec<unknown>;
    handler: (m: unknown) => void;
  }>();
  bytes = 0;

  instance(): PubSub {
    return {
      topic: <T>(name: string, codec: Codec<T>): Topic<T> => ({
        name,
        publish: (message) => this.#publish(name, codec.encode(message)),
        subscribe: (handler) => {
          const entry = {
            name,
            codec: codec as Codec<unknown>,
            handler: handler as (m: unknown) => void,
          };
          this.#handlers.add(entry);
          return () => this.#handlers.delete(entry);
        },
      }),
      close: async () => {},
    };
  }

  /** Bytes from outside, on the events topic. */
  inject(bytes: Uint8Array): void {
    this.#publish("events", bytes);
  }

  #publish(name: string, bytes: Uint8Array): void {
    this.bytes += bytes.length;
    for (const { name: topic, codec, handler } of this.#handlers)
      if (topic === name) handler(codec.decode(bytes));
  }
}

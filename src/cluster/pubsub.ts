import type { Codec } from "./codec.ts";

/** Stops a subscription; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * Topic fan-out to every instance of the cluster (events, cache invalidations, messages for
 * the instance that holds a resource).
 *
 * A message published on any instance reaches every subscriber of its topic on every instance
 * exactly once, local subscribers included; messages of one topic published by one instance
 * arrive in the order they were published. Delivery is best effort: a subscriber that is not
 * subscribed when a message is published does not get it (durable work goes through
 * `TaskQueue`). Handlers run synchronously on delivery and must not throw; a thrown error is
 * logged and does not reach other subscribers.
 */
export interface PubSub {
  /** A typed topic; the codec is used only when the message crosses instances. */
  topic<T>(name: string, codec: Codec<T>): Topic<T>;
  /**
   * Calls `listener` each time this instance may have missed messages of other instances: its
   * connection to them was lost and is back, subscriptions restored. What is kept consistent
   * through PubSub (caches, indexes) is read again then. Absent or never called in one process.
   */
  onGap?(listener: () => void): Unsubscribe;
  /** Ends every subscription and releases connections. */
  close(): Promise<void>;
}

/** One topic of a {@link PubSub}. */
export interface Topic<T> {
  readonly name: string;
  /** Publishes to every instance; returns once handed to the transport. */
  publish(message: T): void;
  /** Subscribes to messages of this topic from every instance. */
  subscribe(handler: (message: T) => void): Unsubscribe;
}

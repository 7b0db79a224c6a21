/**
 * Where the Redis implementations keep their state: every key and channel starts with one
 * prefix (`lorastack:` by default, so that a Redis can be shared with other programs, and
 * clusters or tests can share a Redis with their own prefixes). Names chosen by callers that
 * sit between fixed parts are URI-encoded, so that no two names map to the same key.
 */
export class RedisKeys {
  readonly prefix: string;

  constructor(prefix = "lorastack:") {
    this.prefix = prefix;
  }

  claim(id: string): string {
    return `${this.prefix}claims:${id}`;
  }

  lock(name: string): string {
    return `${this.prefix}locks:${name}`;
  }

  /** The fencing counter shared by every lock name. */
  lockFencing(): string {
    return `${this.prefix}locks-fencing`;
  }

  /** A deduplication key's state (`open:<token>` or `cooldown`). */
  dedupState(name: string, key: string): string {
    return `${this.prefix}dedup:${encodeURIComponent(name)}:state:${key}`;
  }

  /** The receptions collected in a deduplication key's window. */
  dedupItems(name: string, key: string): string {
    return `${this.prefix}dedup:${encodeURIComponent(name)}:items:${key}`;
  }

  /** The keys of one task queue, in the order the task scripts take them. */
  taskQueue(queue: string): { due: string; leased: string; data: string; dead: string } {
    const base = `${this.prefix}tasks:${encodeURIComponent(queue)}`;
    return {
      due: `${base}:due`,
      leased: `${base}:leased`,
      data: `${base}:data`,
      dead: `${base}:dead`,
    };
  }

  /** The channel of a PubSub topic. */
  channel(topic: string): string {
    return `${this.prefix}pubsub:${topic}`;
  }

  /** The topic of a channel of {@link channel}, or `undefined` for another channel. */
  topicOf(channel: string): string | undefined {
    const start = `${this.prefix}pubsub:`;
    return channel.startsWith(start) ? channel.slice(start.length) : undefined;
  }
}

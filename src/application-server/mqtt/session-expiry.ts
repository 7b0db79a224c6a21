import type { Redis } from "ioredis";
import type { Logger } from "../../log/logger.ts";

/** The part of aedes' persistence that ends a session. */
export interface SessionCleaner {
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
}

/** Where the sessions that are away, and since when, are kept (under the connection's prefix). */
export const awaySessionsKey = "away-sessions";

export interface SessionExpiryOptions {
  /** A Redis connection with the broker's key prefix. */
  db: Redis;
  persistence: SessionCleaner;
  /** A persistent session disconnected longer than this is ended. */
  ttlMs: number;
  /** The client IDs of the persistent sessions connected to this instance now. */
  connected: () => Iterable<string>;
  logger?: Logger;
  /** How often sessions are checked; default a quarter of `ttlMs`, at most 15 minutes. */
  sweepIntervalMs?: number;
  now?: () => number;
}

/**
 * Ends the persistent MQTT sessions (clean session off) that stay away: MQTT 3.1.1 has no
 * session expiry, and a client that made up a new client ID at each start would otherwise
 * leave sessions behind for good — each one queueing every message of its subscriptions. A
 * session that disconnects is noted with its time (a sorted set in Redis, shared by the
 * instances); one that connects again anywhere is struck off; every instance strikes off its
 * connected sessions at each sweep too (a connection that moved to another instance may have
 * been noted as away by the one it left). A sweep ends the sessions away longer than `ttlMs`:
 * their subscriptions and queue go.
 */
export class SessionExpiry {
  readonly #options: SessionExpiryOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;

  constructor(options: SessionExpiryOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A session connected (to this instance). */
  connected(clientId: string): void {
    this.#options.db.zrem(awaySessionsKey, clientId).catch((error: unknown) => this.#failed(error));
  }

  /** A persistent session disconnected (from this instance). */
  disconnected(clientId: string): void {
    this.#options.db
      .zadd(awaySessionsKey, this.#now(), clientId)
      .catch((error: unknown) => this.#failed(error));
  }

  start(): void {
    const interval =
      this.#options.sweepIntervalMs ??
      Math.min(15 * 60_000, Math.max(1000, this.#options.ttlMs / 4));
    this.#timer = setInterval(
      () => void this.sweep().catch((error) => this.#failed(error)),
      interval,
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping?.catch(() => {});
  }

  /** Ends the sessions away longer than the time to live; returns how many it ended. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    const { db, persistence } = this.#options;
    const here = [...this.#options.connected()];
    if (here.length > 0) await db.zrem(awaySessionsKey, ...here);
    const expired = await db.zrangebyscore(
      awaySessionsKey,
      "-inf",
      this.#now() - this.#options.ttlMs,
      "LIMIT",
      0,
      1000,
    );
    let ended = 0;
    for (const clientId of expired) {
      // Struck off by this sweep and no other (a connection or another instance's sweep wins).
      if ((await db.zrem(awaySessionsKey, clientId)) !== 1) continue;
      await persistence.cleanSubscriptions({ id: clientId });
      ended++;
    }
    if (ended > 0)
      this.#options.logger?.info({ sessions: ended }, "ended MQTT sessions away too long");
    return ended;
  }

  #failed(error: unknown): void {
    this.#options.logger?.debug({ err: error }, "MQTT session expiry: Redis command failed");
  }
}

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import { type OutboxMessage, readOutbox, removeFromOutbox } from "../registry/outbox.ts";
import type { ApplicationUplinkForwarder } from "./forwarder.ts";
import { applicationUpTaskKey } from "./task-key.ts";

/**
 * The Network Server's outbox in use: messages for the Application Server are written with the
 * device change they come from (`messages`, handed to the device store's commit), handed over
 * once it committed (`handOver`: the forwarder takes them directly or queues them durably) and
 * then removed, in batches off the uplink path. What a crash left in the outbox — written, not
 * removed — the relay hands over after `graceMs`, on start and every `intervalMs`.
 *
 * At least once: a crash after a hand-over and before its removal hands the message over again
 * (the same task key, so a still queued copy is not doubled; the Application Server may see an
 * uplink twice in that case).
 */
export interface ApplicationUpOutbox {
  /** The outbox rows of these messages (task key and protobuf binary). */
  messages(ups: readonly ApplicationUp[]): OutboxMessage[];
  /** Hands committed messages to the forwarder, then removes their rows. */
  handOver(ups: readonly ApplicationUp[], messages: readonly OutboxMessage[]): Promise<void>;
  /** Relays what earlier runs left once now, then every `intervalMs`. */
  start(): void;
  /** Stops relaying and removes what was handed over. */
  stop(): Promise<void>;
  /** One relay run (exposed for tests): resolves to how many messages were handed over. */
  relay(): Promise<number>;
}

export interface ApplicationUpOutboxOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the outbox table is not in the typed schema
  db: Kysely<any>;
  forwarder: ApplicationUplinkForwarder;
  logger: Logger;
  /** Messages younger than this are their uplink's own business (default 30 s). */
  graceMs?: number;
  /** How often the relay looks (default 10 s). */
  intervalMs?: number;
  /** Removals are collected this long and done in one statement (default 20 ms). */
  removeDelayMs?: number;
  now?: () => number;
}

const relayBatch = 200;

export function createApplicationUpOutbox(
  options: ApplicationUpOutboxOptions,
): ApplicationUpOutbox {
  const { db, forwarder, logger } = options;
  const now = options.now ?? Date.now;
  const graceMs = options.graceMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 10_000;
  const removeDelayMs = options.removeDelayMs ?? 20;
  let removals: string[] = [];
  let removeTimer: NodeJS.Timeout | undefined;
  let removing: Promise<void> = Promise.resolve();
  let relayTimer: NodeJS.Timeout | undefined;
  let relaying: Promise<number> | undefined;

  const flushRemovals = () => {
    clearTimeout(removeTimer);
    removeTimer = undefined;
    const keys = removals;
    removals = [];
    if (keys.length === 0) return removing;
    removing = removing
      .then(() => removeFromOutbox(db, keys))
      .catch((error) => {
        // Left in the outbox: the relay hands them over again later (at least once).
        logger.warn({ err: error, count: keys.length }, "could not clear the outbox");
      });
    return removing;
  };

  const remove = (keys: readonly string[]) => {
    removals.push(...keys);
    if (removals.length >= 500) void flushRemovals();
    else removeTimer ??= setTimeout(() => void flushRemovals(), removeDelayMs);
  };

  const relayOnce = async (): Promise<number> => {
    await flushRemovals();
    const rows = await readOutbox(db, { beforeMs: now() - graceMs, limit: relayBatch });
    let handed = 0;
    for (const row of rows) {
      let up: ApplicationUp;
      try {
        up = fromBinary(ApplicationUpSchema, row.payload);
      } catch (error) {
        logger.error(
          { err: error, key: row.key },
          "dropped an outbox message that does not decode",
        );
        await removeFromOutbox(db, [row.key]);
        continue;
      }
      await forwarder.forward([up]);
      await removeFromOutbox(db, [row.key]);
      handed++;
    }
    if (handed > 0)
      logger.info(
        { count: handed },
        "handed messages left in the outbox to the Application Server",
      );
    return handed;
  };

  const relay = (): Promise<number> => {
    relaying ??= relayOnce().finally(() => {
      relaying = undefined;
    });
    return relaying;
  };

  return {
    messages(ups) {
      return ups.map((up) => {
        const payload = toBinary(ApplicationUpSchema, up);
        return { key: applicationUpTaskKey(up, payload), payload };
      });
    },
    async handOver(ups, messages) {
      await forwarder.forward(ups);
      remove(messages.map((message) => message.key));
    },
    start() {
      if (relayTimer) return;
      const run = () =>
        void relay().catch((error) =>
          logger.warn({ err: error }, "the outbox relay failed; it tries again later"),
        );
      run();
      relayTimer = setInterval(run, intervalMs);
      relayTimer.unref();
    },
    async stop() {
      clearInterval(relayTimer);
      relayTimer = undefined;
      await relaying?.catch(() => 0);
      await flushRemovals();
    },
    relay,
  };
}

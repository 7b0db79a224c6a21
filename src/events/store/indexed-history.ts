/**
 * What the SQL history stores (SqlEventStore, SqliteWorkerEventStore) share: reads over their
 * index of keys (an entity's events, a correlation id's events, newest within the retention)
 * and the background prune. The stores differ in how rows are written and read; the rules of
 * what a read returns and of pruning in the background are here once.
 */
import type { StackEvent } from "../event.ts";
import { eventFromBytes } from "../wire.ts";
import type { EventStore, HistoryQuery, Retention } from "./event-store.ts";
import { correlationIndexKey, entityIndexKey } from "./index-keys.ts";
import type { StoreMonitor } from "./monitor.ts";

/** A row of the history: an event's id (a ULID) and its bytes (src/events/wire.ts). */
export interface HistoryRow {
  unique_id: string;
  payload: Uint8Array;
}

export interface IndexedHistoryOptions {
  retention: Retention;
  monitor: StoreMonitor;
  /** Writes what was added, so that a read sees it. */
  flush: () => Promise<void>;
  /** The newest rows of an index key within the retention (and after `afterMs`), newest first. */
  newest: (key: string, limit: number, afterMs: number | undefined) => Promise<HistoryRow[]>;
}

/** `history` and `related` of an {@link EventStore} over an index of keys. */
export function indexedHistory(
  options: IndexedHistoryOptions,
): Pick<EventStore, "history" | "related"> {
  const { retention, monitor } = options;
  const decode = (order: readonly string[], payloads: Map<string, Uint8Array>) => {
    const events: StackEvent[] = [];
    for (const id of order) {
      try {
        events.push(eventFromBytes(payloads.get(id) as Uint8Array));
      } catch (error) {
        // An event defined by another version, or damaged: skipped, counted and logged.
        monitor.dropped("unreadable", 1, error);
      }
    }
    return events;
  };
  return {
    async history(query: HistoryQuery) {
      await options.flush();
      const { entityCount } = retention;
      const limit = query.tail && query.tail > 0 ? Math.min(query.tail, entityCount) : entityCount;
      const rows = new Map<string, Uint8Array>();
      for (const entity of query.entities) {
        for (const row of await options.newest(entityIndexKey(entity), limit, query.afterMs))
          rows.set(row.unique_id, row.payload);
      }
      return decode([...rows.keys()].sort(), rows);
    },
    async related(correlationId: string) {
      await options.flush();
      const key = correlationIndexKey(correlationId);
      const found = await options.newest(key, retention.correlationIdCount, undefined);
      return decode(
        found.map((row) => row.unique_id),
        new Map(found.map((row) => [row.unique_id, row.payload])),
      );
    },
  };
}

/** A prune run every interval in the background, one at a time; `stop` waits for a running one. */
export interface PeriodicPrune {
  stop(): Promise<void>;
}

/** Runs `prune` every `intervalMs` (0: never); failures are reported to the monitor. */
export function prunePeriodically(
  intervalMs: number,
  prune: () => Promise<unknown>,
  monitor: StoreMonitor,
): PeriodicPrune {
  let running: Promise<unknown> | undefined;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          running ??= prune()
            .catch((error: unknown) => monitor.failed("prune", error))
            .finally(() => {
              running = undefined;
            });
        }, intervalMs)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The event store: recent events kept for `Events.Stream`'s `tail`/`after` and for
 * `Events.FindRelated`, as The Things Stack's event store keeps them. Each instance stores the
 * events it publishes (not those it receives from others), written in batches (group commit);
 * what is past the retention — older than `ttlMs`, beyond the newest `entityCount` of an entity
 * or `correlationIdCount` of a correlation id — is no longer returned and is removed in the
 * background (SQL) or expires by itself (Redis).
 */
import type { EntityRef, StackEvent } from "../event.ts";

/** How long and how many events are kept. */
export interface Retention {
  /** How long an event is kept (The Things Stack: 10 minutes). */
  ttlMs: number;
  /** Newest events kept per entity, for `tail` and `after` (The Things Stack: 100). */
  entityCount: number;
  /** Newest events kept per correlation id, for `FindRelated` (The Things Stack: 100). */
  correlationIdCount: number;
}

/** What `history` returns: events of some entities, by time and count. */
export interface HistoryQuery {
  /** The entities; an application's history includes the events of its end devices. */
  entities: readonly EntityRef[];
  /** Only events after this time (milliseconds since the epoch, exclusive). */
  afterMs?: number;
  /**
   * At most this many of the newest events of each entity (after `afterMs`); 0 or absent: as
   * many as are kept. As in The Things Stack, the limit applies per entity.
   */
  tail?: number;
}

export interface EventStore {
  /** Queues a published event for the next batch; never waits, never throws. */
  add(event: StackEvent): void;
  /** Resolves once the events added before the call are written (or given up on). */
  flush(): Promise<void>;
  /** Stored events of the entities, oldest first, each once. */
  history(query: HistoryQuery): Promise<StackEvent[]>;
  /** Stored events that carry the correlation id, newest first (as The Things Stack). */
  related(correlationId: string): Promise<StackEvent[]>;
  /** Writes what is queued, stops background work and releases connections it owns. */
  close(): Promise<void>;
}

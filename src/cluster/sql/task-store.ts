import { randomUUID } from "node:crypto";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../storage/database.ts";
import type { AddMode, Task } from "../task-queue.ts";
import type { FailedAttempt, LeasedTask, TaskStore } from "../tasks/store.ts";

/** A row of `cluster_tasks` (migration 0004). */
export interface ClusterTasksTable {
  id: string;
  queue: string;
  key: string;
  payload: Uint8Array;
  /** RFC 3339 with milliseconds, UTC. */
  due_at: string;
  /** `pending`, `leased` or `dead`. */
  state: string;
  attempt: number;
  last_error: string | null;
  lease_until: string | null;
  lease_token: string | null;
  /** A task added while this one was leased: it takes this one's place when the lease ends. */
  next_payload: Uint8Array | null;
  next_due_at: string | null;
  created_at: string;
  updated_at: string;
}

type Schema = { cluster_tasks: ClusterTasksTable };

const lostLease = "the consumer stopped during its last attempt (its lease expired)";

/** How `add` merges into a pending task (`pending`) or a leased task's follow-up (`next`). */
const addRules: Record<
  AddMode,
  {
    dueAt: RawBuilder<string>;
    attempt: RawBuilder<number>;
    lastError: RawBuilder<string | null>;
    nextDueAt: RawBuilder<string>;
  }
> = {
  replace: {
    dueAt: sql`excluded.due_at`,
    attempt: sql`0`,
    lastError: sql`null`,
    nextDueAt: sql`excluded.due_at`,
  },
  earliest: {
    dueAt: sql`case when excluded.due_at < cluster_tasks.due_at then excluded.due_at else cluster_tasks.due_at end`,
    attempt: sql`cluster_tasks.attempt`,
    lastError: sql`cluster_tasks.last_error`,
    nextDueAt: sql`case when cluster_tasks.next_due_at is null or excluded.due_at < cluster_tasks.next_due_at then excluded.due_at else cluster_tasks.next_due_at end`,
  },
};

const leased = sql`cluster_tasks.state = 'leased'`;

/**
 * The {@link TaskStore} in the project's SQL database (SQLite or PostgreSQL): every step is one
 * statement, atomic on both engines. On PostgreSQL several instances lease from the same table;
 * `FOR UPDATE SKIP LOCKED` keeps two of them from taking the same row. Times come from this
 * process's clock: instances sharing a database need synchronised clocks (NTP), and a lease
 * should be much longer than their skew.
 */
export class SqlTaskStore implements TaskStore {
  readonly #db: Kysely<Schema>;
  readonly #engine: Database["engine"];
  #lastDeath = 0;

  constructor(database: Database) {
    this.#db = database.db.withTables<Schema>() as unknown as Kysely<Schema>;
    this.#engine = database.engine;
  }

  /**
   * The time a task dies, strictly later than this store's previous one: `updated_at` orders
   * dead letters, and two can die within the same millisecond.
   */
  #deathTime(): string {
    this.#lastDeath = Math.max(Date.now(), this.#lastDeath + 1);
    return new Date(this.#lastDeath).toISOString();
  }

  async add(
    queue: string,
    task: { key: string; payload: Uint8Array; dueAt: Date; mode: AddMode },
  ): Promise<void> {
    const now = new Date().toISOString();
    const rule = addRules[task.mode];
    await this.#db
      .insertInto("cluster_tasks")
      .values({
        id: randomUUID(),
        queue,
        key: task.key,
        payload: task.payload,
        due_at: task.dueAt.toISOString(),
        state: "pending",
        attempt: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict
          .columns(["queue", "key"])
          // The partial unique index is named by its predicate, written as a literal.
          .where(sql<boolean>`state <> 'dead'`)
          .doUpdateSet({
            payload: sql`case when ${leased} then cluster_tasks.payload else excluded.payload end`,
            due_at: sql`case when ${leased} then cluster_tasks.due_at else ${rule.dueAt} end`,
            attempt: sql`case when ${leased} then cluster_tasks.attempt else ${rule.attempt} end`,
            last_error: sql`case when ${leased} then cluster_tasks.last_error else ${rule.lastError} end`,
            next_payload: sql`case when ${leased} then excluded.payload else null end`,
            next_due_at: sql`case when ${leased} then ${rule.nextDueAt} else null end`,
            updated_at: sql`excluded.updated_at`,
          }),
      )
      .execute();
  }

  async remove(queue: string, key: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("cluster_tasks")
      .where("queue", "=", queue)
      .where("key", "=", key)
      .where("state", "<>", "dead")
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async lease(
    queue: string,
    options: { limit: number; leaseMs: number; maxAttempts: number; now: Date },
  ): Promise<LeasedTask[]> {
    const now = options.now.toISOString();
    // Leases that expired on the last attempt: the task is dead (or its follow-up takes over).
    await this.#db
      .updateTable("cluster_tasks")
      .set({
        state: sql`case when next_payload is null then 'dead' else 'pending' end`,
        payload: sql`coalesce(next_payload, payload)`,
        due_at: sql`coalesce(next_due_at, due_at)`,
        attempt: sql`case when next_payload is null then attempt else 0 end`,
        last_error: sql`case when next_payload is null then ${lostLease} else null end`,
        lease_until: null,
        lease_token: null,
        next_payload: null,
        next_due_at: null,
        updated_at: this.#deathTime(),
      })
      .where("queue", "=", queue)
      .where("state", "=", "leased")
      .where("lease_until", "<=", now)
      .where("attempt", ">=", options.maxAttempts)
      .execute();

    const token = randomUUID();
    let due = this.#db
      .selectFrom("cluster_tasks")
      .select("id")
      .where("queue", "=", queue)
      .where((eb) =>
        eb.or([
          eb.and([eb("state", "=", "pending"), eb("due_at", "<=", now)]),
          eb.and([eb("state", "=", "leased"), eb("lease_until", "<=", now)]),
        ]),
      )
      .orderBy("due_at")
      .orderBy("id")
      .limit(options.limit);
    if (this.#engine === "postgres") due = due.forUpdate().skipLocked();
    const rows = await this.#db
      .updateTable("cluster_tasks")
      .set({
        state: "leased",
        attempt: sql`attempt + 1`,
        lease_until: new Date(options.now.getTime() + options.leaseMs).toISOString(),
        lease_token: token,
        updated_at: now,
      })
      .where("id", "in", due)
      .returningAll()
      .execute();
    rows.sort((a, b) => (a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : 0));
    return rows.map((row) => ({ task: toTask(row), token: `${row.id} ${token}` }));
  }

  async renew(_queue: string, lease: LeasedTask, leaseMs: number): Promise<boolean> {
    const [id, token] = splitToken(lease);
    const result = await this.#db
      .updateTable("cluster_tasks")
      .set({ lease_until: new Date(Date.now() + leaseMs).toISOString() })
      .where("id", "=", id)
      .where("lease_token", "=", token)
      .where("state", "=", "leased")
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async complete(_queue: string, lease: LeasedTask): Promise<void> {
    const [id, token] = splitToken(lease);
    const deleted = await this.#db
      .deleteFrom("cluster_tasks")
      .where("id", "=", id)
      .where("lease_token", "=", token)
      .where("next_payload", "is", null)
      .executeTakeFirst();
    if (deleted.numDeletedRows > 0n) return;
    // A follow-up was added while the task ran (`add` only ever sets it): it becomes pending.
    await this.#db
      .updateTable("cluster_tasks")
      .set({
        state: "pending",
        payload: sql`next_payload`,
        due_at: sql`next_due_at`,
        attempt: 0,
        last_error: null,
        lease_until: null,
        lease_token: null,
        next_payload: null,
        next_due_at: null,
        updated_at: new Date().toISOString(),
      })
      .where("id", "=", id)
      .where("lease_token", "=", token)
      .where("next_payload", "is not", null)
      .execute();
  }

  async fail(_queue: string, lease: LeasedTask, attempt: FailedAttempt): Promise<void> {
    const [id, token] = splitToken(lease);
    const state = attempt.dead ? "dead" : "pending";
    const retryAt = attempt.dead ? null : attempt.retryAt.toISOString();
    // A follow-up supersedes the failed task; otherwise it is retried or dead.
    await this.#db
      .updateTable("cluster_tasks")
      .set({
        state: sql`case when next_payload is not null then 'pending' else ${state} end`,
        payload: sql`coalesce(next_payload, payload)`,
        due_at: sql`case when next_payload is not null then next_due_at else coalesce(${retryAt}, due_at) end`,
        attempt: sql`case when next_payload is not null then 0 else attempt end`,
        last_error: sql`case when next_payload is not null then null else ${attempt.error} end`,
        lease_until: null,
        lease_token: null,
        next_payload: null,
        next_due_at: null,
        updated_at: attempt.dead ? this.#deathTime() : new Date().toISOString(),
      })
      .where("id", "=", id)
      .where("lease_token", "=", token)
      .execute();
  }

  async nextWakeAt(queue: string): Promise<Date | undefined> {
    const row = await this.#db
      .selectFrom("cluster_tasks")
      .select(
        sql<string | null>`min(case when state = 'pending' then due_at else lease_until end)`.as(
          "at",
        ),
      )
      .where("queue", "=", queue)
      .where("state", "in", ["pending", "leased"])
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  async deadLetters(queue: string, limit: number): Promise<Task[]> {
    const rows = await this.#db
      .selectFrom("cluster_tasks")
      .selectAll()
      .where("queue", "=", queue)
      .where("state", "=", "dead")
      .orderBy("updated_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toTask);
  }
}

function splitToken(lease: LeasedTask): [id: string, token: string] {
  const space = lease.token.indexOf(" ");
  return [lease.token.slice(0, space), lease.token.slice(space + 1)];
}

function toTask(row: ClusterTasksTable): Task {
  const task: Task = {
    queue: row.queue,
    key: row.key,
    payload: new Uint8Array(row.payload),
    dueAt: new Date(row.due_at),
    attempt: Number(row.attempt),
  };
  if (row.last_error !== null) task.lastError = row.last_error;
  return task;
}

import type { Kysely } from "kysely";

/**
 * The Network Server's outbox: messages for the Application Server written in the transaction
 * of the device change they come from (migration 0014), removed once handed over. A crash
 * between the commit and the hand-over leaves them here for the relay
 * (src/network-server/application-uplinks/outbox-relay.ts).
 */

/** One message of the outbox: its task key (unique) and the ApplicationUp in protobuf binary. */
export interface OutboxMessage {
  key: string;
  payload: Uint8Array;
}

/** A message found in the outbox, with when it was written. */
export interface StoredOutboxMessage extends OutboxMessage {
  createdAtMs: number;
}

const table = "ns_application_up_outbox";

/** Largest number of rows one statement writes or removes (bound parameters stay few). */
const chunk = 300;

// biome-ignore lint/suspicious/noExplicitAny: the outbox table is not in the typed schema
type AnyDatabase = Kysely<any>;

/** Writes messages in `db` (the device change's transaction); a key already there is kept. */
export async function writeOutbox(
  db: AnyDatabase,
  messages: readonly OutboxMessage[],
  nowMs: number,
): Promise<void> {
  const createdAt = new Date(nowMs).toISOString();
  for (let from = 0; from < messages.length; from += chunk) {
    const rows = messages.slice(from, from + chunk).map((message) => ({
      key: message.key,
      payload: message.payload,
      created_at: createdAt,
    }));
    await db
      .insertInto(table)
      .values(rows)
      .onConflict((conflict) => conflict.column("key").doNothing())
      .execute();
  }
}

/** Removes handed-over messages; unknown keys are ignored. */
export async function removeFromOutbox(db: AnyDatabase, keys: readonly string[]): Promise<void> {
  for (let from = 0; from < keys.length; from += chunk)
    await db
      .deleteFrom(table)
      .where("key", "in", keys.slice(from, from + chunk))
      .execute();
}

/** Messages written before `beforeMs`, oldest first (at most `limit`). */
export async function readOutbox(
  db: AnyDatabase,
  options: { beforeMs: number; limit: number },
): Promise<StoredOutboxMessage[]> {
  const rows = await db
    .selectFrom(table)
    .select(["key", "payload", "created_at"])
    .where("created_at", "<", new Date(options.beforeMs).toISOString())
    .orderBy("created_at")
    .orderBy("key")
    .limit(options.limit)
    .execute();
  return rows.map((row: { key: string; payload: Uint8Array; created_at: string }) => ({
    key: row.key,
    payload: new Uint8Array(row.payload),
    createdAtMs: Date.parse(row.created_at),
  }));
}

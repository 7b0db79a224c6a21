import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { storedTypeOf } from "./types.ts";

/**
 * The stored messages (table `as_stored_application_ups`, migration 0016): each `ApplicationUp`
 * in protobuf binary beside the columns it is filtered and ordered by. JSON is made only when a
 * message is served.
 */

const table = "as_stored_application_ups";

/** Largest number of rows one insert writes (bound parameters stay well below the limits). */
const insertChunk = 200;

// biome-ignore lint/suspicious/noExplicitAny: the storage table is not in the typed schema
export type AnyDatabase = Kysely<any>;

/** What a query selects; times in milliseconds, both bounds inclusive. */
export interface StoredUpQuery {
  applicationId: string;
  deviceId?: string;
  type?: string;
  fPort?: number;
  afterMs?: number;
  beforeMs?: number;
  /** `asc`: oldest first (`received_at`); `desc`: newest first (`-received_at`). */
  order: "asc" | "desc";
  limit?: number;
}

interface Row {
  id: number | string;
  received_at: string;
  payload: Uint8Array;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The row of a message to store, or `undefined` for a message the storage does not keep. */
function rowOf(up: ApplicationUp, nowMs: number) {
  const type = storedTypeOf(up);
  const ids = up.endDeviceIds;
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  if (type === undefined || !applicationId || !ids?.deviceId) return undefined;
  const receivedAtMs = up.receivedAt ? timestampMs(up.receivedAt) : nowMs;
  return {
    application_id: applicationId,
    device_id: ids.deviceId,
    type,
    f_port: up.up.case === "uplinkMessage" ? up.up.value.fPort : null,
    // A time that a Date cannot hold would break the fixed-width text order: use now.
    received_at: iso(
      Number.isFinite(receivedAtMs) && Math.abs(receivedAtMs) < 8.64e15 ? receivedAtMs : nowMs,
    ),
    payload: toBinary(ApplicationUpSchema, up),
  };
}

/** Writes the messages the storage keeps, in `db` (the caller's transaction); returns how many. */
export async function writeStoredUps(
  db: AnyDatabase,
  ups: readonly ApplicationUp[],
  nowMs: number,
): Promise<number> {
  const rows = ups.flatMap((up) => rowOf(up, nowMs) ?? []);
  for (let from = 0; from < rows.length; from += insertChunk)
    await db
      .insertInto(table)
      .values(rows.slice(from, from + insertChunk))
      .execute();
  return rows.length;
}

// biome-ignore lint/suspicious/noExplicitAny: a query over the untyped table
function filtered(db: AnyDatabase, query: Omit<StoredUpQuery, "order" | "limit">): any {
  let select = db.selectFrom(table).where("application_id", "=", query.applicationId);
  if (query.deviceId !== undefined) select = select.where("device_id", "=", query.deviceId);
  if (query.type !== undefined) select = select.where("type", "=", query.type);
  if (query.fPort !== undefined) select = select.where("f_port", "=", query.fPort);
  if (query.afterMs !== undefined) select = select.where("received_at", ">=", iso(query.afterMs));
  if (query.beforeMs !== undefined) select = select.where("received_at", "<=", iso(query.beforeMs));
  return select;
}

/**
 * The matching messages in order, read a page at a time (keyset paging on received_at and id),
 * so a long history is streamed without holding it in memory or one long read.
 */
export async function* readStoredUps(
  db: AnyDatabase,
  query: StoredUpQuery,
  pageSize = 500,
): AsyncGenerator<ApplicationUp> {
  const descending = query.order === "desc";
  const direction = descending ? "desc" : "asc";
  const beyond = descending ? "<" : ">";
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  let cursor: Row | undefined;
  while (remaining > 0) {
    let select = filtered(db, query);
    if (cursor) {
      const { received_at, id } = cursor;
      // biome-ignore lint/suspicious/noExplicitAny: Kysely's expression builder over the untyped table
      select = select.where((eb: any) =>
        eb.or([
          eb("received_at", beyond, received_at),
          eb.and([eb("received_at", "=", received_at), eb("id", beyond, id)]),
        ]),
      );
    }
    const rows: Row[] = await select
      .select(["id", "received_at", "payload"])
      .orderBy("received_at", direction)
      .orderBy("id", direction)
      .limit(Math.min(pageSize, remaining))
      .execute();
    for (const row of rows) yield fromBinary(ApplicationUpSchema, new Uint8Array(row.payload));
    remaining -= rows.length;
    if (rows.length < pageSize) return;
    cursor = rows.at(-1);
  }
}

/** How many messages match, by device ID. */
export async function countStoredUps(
  db: AnyDatabase,
  query: Omit<StoredUpQuery, "order" | "limit">,
): Promise<Map<string, number>> {
  const rows: { device_id: string; count: number | string | bigint }[] = await filtered(db, query)
    // biome-ignore lint/suspicious/noExplicitAny: Kysely's function module over the untyped table
    .select((eb: any) => ["device_id", eb.fn.countAll().as("count")])
    .groupBy("device_id")
    .execute();
  return new Map(rows.map((row) => [row.device_id, Number(row.count)]));
}

/** Deletes at most `limit` messages received before `beforeMs`; returns how many it deleted. */
export async function deleteStoredUpsBefore(
  db: AnyDatabase,
  beforeMs: number,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom(table)
    .where(
      "id",
      "in",
      db.selectFrom(table).select("id").where("received_at", "<", iso(beforeMs)).limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

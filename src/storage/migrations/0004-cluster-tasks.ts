import { type ColumnDefinitionBuilder, sql } from "kysely";
import { bytesType, type Migration, timestampType } from "./migration.ts";

/**
 * Durable tasks of the embedded cluster coordination (src/cluster/sql): one row per task. A
 * queue holds at most one live (pending or leased) task per key; dead letters stay beside it.
 * A task added while its key is leased waits in `next_payload`/`next_due_at` until the lease
 * ends. Timestamps are RFC 3339 text with milliseconds, so they compare as text.
 */
export const migration0004ClusterTasks: Migration = {
  name: "0004-cluster-tasks",
  async up(db, engine) {
    const id = (column: ColumnDefinitionBuilder) =>
      (engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column).notNull();
    await db.schema
      .createTable("cluster_tasks")
      .addColumn("id", "text", id)
      .addColumn("queue", "text", id)
      .addColumn("key", "text", id)
      .addColumn("payload", bytesType(engine), (c) => c.notNull())
      .addColumn("due_at", timestampType, id)
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("lease_until", timestampType)
      .addColumn("lease_token", "text")
      .addColumn("next_payload", bytesType(engine))
      .addColumn("next_due_at", timestampType)
      .addColumn("created_at", timestampType, (c) => c.notNull())
      .addColumn("updated_at", timestampType, (c) => c.notNull())
      .addPrimaryKeyConstraint("cluster_tasks_id_pkey", ["id"])
      .execute();
    // One live task per key; the upsert of `add` names this index with the same predicate.
    await db.schema
      .createIndex("cluster_tasks_queue_key_live_key")
      .on("cluster_tasks")
      .columns(["queue", "key"])
      .unique()
      .where(sql.ref("state"), "<>", sql.lit("dead"))
      .execute();
    await db.schema
      .createIndex("cluster_tasks_queue_state_due_at_idx")
      .on("cluster_tasks")
      .columns(["queue", "state", "due_at"])
      .execute();
  },
};

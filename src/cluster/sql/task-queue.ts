import type { Database } from "../../storage/database.ts";
import { StoredTaskQueue, type StoredTaskQueueOptions } from "../tasks/queue.ts";
import { SqlTaskStore } from "./task-store.ts";

/**
 * The {@link TaskQueue} in the project's SQL database (table `cluster_tasks`, migration 0004):
 * the embedded default, and an option for a cluster on PostgreSQL. Tasks survive a restart
 * because `add` resolves after the row is committed.
 */
export function sqlTaskQueue(database: Database, options: StoredTaskQueueOptions): StoredTaskQueue {
  return new StoredTaskQueue(new SqlTaskStore(database), options);
}

import { basename, dirname, extname, join } from "node:path";
import { sql } from "kysely";
import type { Database } from "../../storage/database.ts";
import { errNoDatabaseFile } from "./errors.ts";

/**
 * Where the SQLite event history lives: beside the main database, its name with `-events`
 * before the extension (`lorastack.db` → `lorastack-events.db`). A file of its own because
 * SQLite lets one writer at a time hold a file, and the history's writer is another thread.
 */
export function historyFileOf(databaseFile: string): string {
  const extension = extname(databaseFile);
  const name = basename(databaseFile, extension);
  return join(dirname(databaseFile), `${name}-events${extension}`);
}

/** The file of an open SQLite database, as SQLite reports it; rejects for one in memory. */
export async function sqliteFileOf(database: Database): Promise<string> {
  const { rows } = await sql<{
    file: string | null;
  }>`select file from pragma_database_list where name = 'main'`.execute(database.db);
  const file = rows[0]?.file;
  if (!file) throw errNoDatabaseFile.create();
  return file;
}

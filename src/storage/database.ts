import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from "kysely";
import pg from "pg";
import { redactUri } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import { connectionErrorLog } from "./connection-log.ts";
import type { DatabaseEngine, DatabaseLocation } from "./engine.ts";
import { errDatabaseUnavailable } from "./errors.ts";
import type { DatabaseSchema } from "./schema.ts";
import { SqliteCheckpointer } from "./sqlite-checkpointer.ts";

/** An open database: the typed query builder plus what the program needs around it. */
export interface Database {
  readonly engine: DatabaseEngine;
  readonly db: Kysely<DatabaseSchema>;
  /** Where the database is, safe to log (no password). */
  readonly description: string;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  /** Closes every connection; pending queries finish first. */
  close(): Promise<void>;
}

/**
 * Where the database is: `database.uri` when set (`sqlite:<file>` or a PostgreSQL URI),
 * otherwise `<dataDir>/lorastack.db`.
 */
export function databaseLocation(uri: string, dataDir: string): DatabaseLocation {
  if (uri.startsWith("postgres://") || uri.startsWith("postgresql://"))
    return { engine: "postgres", uri };
  if (uri.startsWith("sqlite:"))
    return { engine: "sqlite", file: resolve(uri.slice("sqlite:".length)) };
  return { engine: "sqlite", file: resolve(dataDir, "lorastack.db") };
}

/**
 * Opens the database and checks that it answers. Does not migrate: see `migrateToLatest`.
 * With a logger, errors of idle PostgreSQL connections are logged (see `connectionErrorLog`).
 */
export async function openDatabase(
  location: DatabaseLocation,
  options: {
    logger?: Logger;
    /**
     * SQLite: checkpoint the write-ahead log in a worker thread (see sqlite-checkpointer.ts),
     * as the running program does; short-lived uses (commands, tests) leave it to SQLite.
     */
    checkpointInWorker?: boolean;
  } = {},
): Promise<Database> {
  const database =
    location.engine === "sqlite"
      ? openSqlite(location.file, options)
      : openPostgres(location.uri, options.logger);
  try {
    await database.ping();
  } catch (error) {
    await database.close().catch(() => {});
    throw errDatabaseUnavailable.create(
      { engine: location.engine, reason: (error as Error).message },
      error,
    );
  }
  return database;
}

function openSqlite(
  file: string,
  options: { logger?: Logger; checkpointInWorker?: boolean },
): Database {
  mkdirSync(dirname(file), { recursive: true });
  const connection = new BetterSqlite3(file, { timeout: 5000 });
  // WAL lets readers run beside the writer. synchronous=NORMAL in WAL mode keeps every
  // committed transaction across a crash of the process (kill -9); only a power loss can
  // drop the last transactions, and it never corrupts the file.
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");
  const checkpointer = options.checkpointInWorker
    ? new SqliteCheckpointer({ file, connection, logger: options.logger })
    : undefined;
  const db = new Kysely<DatabaseSchema>({
    dialect: new TransactionalSqliteDialect({ database: cachingStatements(connection) }),
  });
  return {
    engine: "sqlite",
    db,
    description: `sqlite ${file}`,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

/** Prepared statements kept per connection (SQL texts of the program's queries are few). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with its prepared statements kept: Kysely prepares every
 * query it runs, and preparing costs more than running a small statement. Kysely runs one
 * statement at a time on the connection (a stream holds it until done), so a kept statement is
 * never in use twice. Least recently used statements are dropped past the limit.
 */
function cachingStatements(connection: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = connection.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value as string;
          statements.delete(oldest);
        }
      } else statements.delete(text);
      statements.set(text, statement);
      return statement;
    },
  };
}

/**
 * SQLite runs schema changes inside transactions, but Kysely's adapter does not claim it; with
 * this claim each migration batch is all-or-nothing on SQLite as on PostgreSQL.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Transactions begin IMMEDIATE: they take the database's write lock at the start, so a read
 * that a later write of the same transaction depends on cannot be overtaken by another
 * connection's write (a read-change-write is atomic across processes sharing the file, and a
 * DEFERRED transaction's lock upgrade cannot fail with SQLITE_BUSY after its reads). Within one
 * process Kysely already runs one statement or transaction at a time on the one connection.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

function openPostgres(uri: string, logger: Logger | undefined): Database {
  const pool = new pg.Pool({ connectionString: uri, max: 10, connectionTimeoutMillis: 10_000 });
  const description = `postgres ${redactUri(uri)}`;
  // An idle client that loses its server emits 'error' on the pool; the next query reconnects
  // (and a query that fails reports its own error).
  const log = connectionErrorLog(logger, { database: description });
  pool.on("error", (error) => log.failed(error));
  pool.on("connect", () => log.restored());
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: "postgres",
    db,
    description,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

import { Redis } from "ioredis";
import type { Logger } from "../log/logger.ts";
import { connectionErrorLog } from "./connection-log.ts";

/**
 * A Redis client for `redis.uri` (`redis://[:password@]host:port[/db]` or `rediss://` for TLS).
 * Commands issued while disconnected wait for the reconnect instead of failing at once.
 * Connection errors are logged (see `connectionErrorLog`) when a logger is given.
 */
export function createRedisClient(uri: string, name = "lorastack", logger?: Logger): Redis {
  const client = new Redis(uri, {
    connectionName: name,
    lazyConnect: true,
    maxRetriesPerRequest: 20,
    enableReadyCheck: true,
  });
  // ioredis reconnects by itself and callers see failures on their own commands; the listener
  // also keeps a lost connection from being an unhandled 'error' event.
  const log = connectionErrorLog(logger, { redis: new URL(uri).host, connection: name });
  client.on("error", (error: unknown) => log.failed(error));
  client.on("ready", () => log.restored());
  return client;
}

import { Redis } from "ioredis";

/**
 * A Redis client for `redis.uri` (`redis://[:password@]host:port[/db]` or `rediss://` for TLS).
 * Commands issued while disconnected wait for the reconnect instead of failing at once.
 */
export function createRedisClient(uri: string, name = "lorastack"): Redis {
  const client = new Redis(uri, {
    connectionName: name,
    lazyConnect: true,
    maxRetriesPerRequest: 20,
    enableReadyCheck: true,
  });
  // Without a listener, a lost connection would be an unhandled 'error' event; ioredis
  // reconnects by itself and callers see failures on their own commands.
  client.on("error", () => {});
  return client;
}

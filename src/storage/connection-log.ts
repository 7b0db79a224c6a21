import type { Logger } from "../log/logger.ts";

/** At most one line per this many milliseconds while a connection keeps failing. */
const quietMs = 30_000;

/**
 * Logs the errors of a connection that reconnects by itself (Redis, a database pool): the
 * first error at once, then at most one line per 30 s with the number of errors in between,
 * and one line when the connection works again. Nothing is dropped silently, and a server that
 * is down for an hour does not flood the log.
 */
export function connectionErrorLog(
  logger: Logger | undefined,
  fields: Record<string, unknown>,
  now: () => number = Date.now,
): { failed(error: unknown): void; restored(): void } {
  let failing = false;
  let lastLogged = 0;
  let unlogged = 0;
  return {
    failed(error) {
      const time = now();
      if (failing && time - lastLogged < quietMs) {
        unlogged++;
        return;
      }
      logger?.warn(
        { ...fields, err: error, ...(unlogged > 0 ? { errors_not_logged: unlogged } : {}) },
        failing ? "connection still failing" : "connection failed",
      );
      failing = true;
      lastLogged = time;
      unlogged = 0;
    },
    restored() {
      if (!failing) return;
      failing = false;
      logger?.info({ ...fields, errors_not_logged: unlogged }, "connection restored");
      unlogged = 0;
    },
  };
}

import { type DestinationStream, type Logger, pino } from "pino";
import pinoPretty from "pino-pretty";
import type { Config } from "../config/index.ts";

export type { Logger } from "pino";

/**
 * The process logger: JSON lines on stdout, or human-readable lines when `log.format` is
 * `pretty` (or `auto` on a terminal). Components take children named after themselves.
 */
export function createLogger(options: Config["log"], destination?: DestinationStream): Logger {
  const pretty =
    options.format === "pretty" ||
    (options.format === "auto" && destination === undefined && process.stdout.isTTY);
  const base = { level: options.level, base: { pid: process.pid } };
  if (pretty) {
    return pino(
      base,
      pinoPretty({
        colorize: true,
        translateTime: "SYS:HH:MM:ss.l",
        ignore: "pid,hostname",
        sync: true,
      }),
    );
  }
  return pino(base, destination ?? pino.destination({ dest: 1, sync: true }));
}

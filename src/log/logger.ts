import { type DestinationStream, type Logger, pino } from "pino";
import pinoPretty from "pino-pretty";
import type { Config } from "../config/index.ts";

export type { Logger } from "pino";

/**
 * The process logger: JSON lines on stdout, or human-readable lines when `log.format` is
 * `pretty` (or `auto` on a terminal). Components take children named after themselves.
 * `bindings` go on every line (the instance's name: `instance`); the pretty format, meant for
 * one process on a terminal, leaves them out with the process id.
 */
export function createLogger(
  options: Config["log"],
  destination?: DestinationStream,
  bindings: Record<string, string> = {},
): Logger {
  const pretty =
    options.format === "pretty" ||
    (options.format === "auto" && destination === undefined && process.stdout.isTTY);
  const base = { level: options.level, base: { pid: process.pid, ...bindings } };
  if (pretty) {
    return pino(
      base,
      pinoPretty({
        colorize: true,
        translateTime: "SYS:HH:MM:ss.l",
        ignore: ["pid", "hostname", ...Object.keys(bindings)].join(","),
        sync: true,
      }),
    );
  }
  return pino(base, destination ?? pino.destination({ dest: 1, sync: true }));
}

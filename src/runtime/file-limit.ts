import { readFileSync } from "node:fs";

/** The process's limit on open files (soft: in force, hard: the most it may raise it to). */
export interface FileLimit {
  soft: number;
  hard: number;
}

/**
 * File descriptors kept for everything but the HTTP and gRPC connections: the database and
 * Redis connections, the components' own listeners and their clients, files, the event loop.
 */
export const reservedFileDescriptors = 1_024;

/**
 * The open-file limit as Linux reports it in `/proc/self/limits` (`unlimited` is Infinity);
 * `undefined` where there is no such file or it cannot be read.
 *
 * Node has no `setrlimit`, and needs none here: at start it raises its own soft limit to the
 * hard limit (node.cc, `PlatformInit`), which is what The Things Stack's Go runtime does too.
 * The hard limit is the operator's (systemd `LimitNOFILE=`, `ulimit -Hn`); a process cannot
 * raise it.
 */
export function readFileLimit(limitsFile = "/proc/self/limits"): FileLimit | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, "utf8");
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!match) return undefined;
  const value = (field: string) =>
    field === "unlimited" ? Number.POSITIVE_INFINITY : Number.parseInt(field, 10);
  const soft = value(match[1] as string);
  const hard = value(match[2] as string);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/** What the connection cap becomes under a file limit, and whether it had to be lowered. */
export interface ConnectionBudget {
  /** The cap on HTTP and gRPC connections in force (0: none). */
  maxTotal: number;
  /** The file descriptors the configuration needs: its cap plus {@link reservedFileDescriptors}. */
  needed: number;
  /** The configured cap did not fit (or there was none): it is lowered to what does. */
  lowered: boolean;
}

/**
 * The cap on open HTTP and gRPC connections that fits the file limit: the configured one when
 * it leaves {@link reservedFileDescriptors} free, else (also when none is configured) the
 * limit less that reserve, so that a flood of connections is refused by the cap, cleanly,
 * before `accept` fails for lack of descriptors and the database cannot open a connection.
 */
export function connectionBudget(
  configuredMaxTotal: number,
  limit: FileLimit | undefined,
): ConnectionBudget {
  const needed =
    configuredMaxTotal === 0
      ? Number.POSITIVE_INFINITY
      : configuredMaxTotal + reservedFileDescriptors;
  if (limit === undefined || limit.soft >= needed)
    return { maxTotal: configuredMaxTotal, needed, lowered: false };
  // A small limit keeps half for the rest of the process.
  const fits = limit.soft - Math.min(reservedFileDescriptors, Math.floor(limit.soft / 2));
  return { maxTotal: fits, needed, lowered: true };
}

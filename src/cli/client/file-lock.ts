import { open, rm, stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { errLocked } from "./errors.ts";

export interface FileLockOptions {
  /** A lock file older than this is taken to be left by a process that died holding it. */
  staleMs?: number;
  /** How long to wait for another process to let go before giving up. */
  waitMs?: number;
  /** Time between looks at a held lock. */
  pollMs?: number;
}

/**
 * Runs `work` while holding the lock file `path` (made with O_EXCL, so one process at a time
 * holds it; removed afterwards). Other processes hold it for the time of a read, maybe a token
 * renewal, and a write, so waiting is a poll: there is no event to await across processes.
 */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  const pollMs = options.pollMs ?? 20;
  for (;;) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const held = await stat(path).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > staleMs) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw errLocked.create({ path });
    await delay(pollMs);
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

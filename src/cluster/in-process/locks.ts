import type { Lock, Locks } from "../locks.ts";

interface Held {
  fencingToken: number;
  expiresAt: number;
}

/** The locks of one cluster; objects that share it exclude each other. */
export interface LockTable {
  held: Map<string, Held>;
  /** One counter for every name: it grows with every acquisition of any lock, so of each name. */
  fencing: number;
  /** Who waits for a name to be released. */
  waiters: Map<string, Set<() => void>>;
}

export function newLockTable(): LockTable {
  return { held: new Map(), fencing: 0, waiters: new Map() };
}

/** The embedded {@link Locks}: a map of held names; waiters wake on release or expiry. */
export class InProcessLocks implements Locks {
  readonly #table: LockTable;

  constructor(table: LockTable = newLockTable()) {
    this.#table = table;
  }

  async acquire(
    name: string,
    ttlMs: number,
    options: { waitMs?: number } = {},
  ): Promise<Lock | undefined> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const lock = this.#tryAcquire(name, ttlMs);
      if (lock) return lock;
      const now = Date.now();
      const remaining = deadline - now;
      if (remaining <= 0) return undefined;
      const held = this.#table.held.get(name);
      const untilExpiry = held ? held.expiresAt - now : 0;
      await this.#waitForRelease(name, Math.max(1, Math.min(remaining, untilExpiry)));
    }
  }

  #tryAcquire(name: string, ttlMs: number): Lock | undefined {
    if (this.#live(name)) return undefined;
    const held: Held = { fencingToken: ++this.#table.fencing, expiresAt: Date.now() + ttlMs };
    this.#table.held.set(name, held);
    const holds = () => this.#live(name) === held;
    return {
      name,
      fencingToken: held.fencingToken,
      extend: async (ms) => {
        if (!holds()) return false;
        held.expiresAt = Date.now() + ms;
        return true;
      },
      release: async () => {
        if (!holds()) return;
        this.#table.held.delete(name);
        for (const wake of [...(this.#table.waiters.get(name) ?? [])]) wake();
      },
    };
  }

  #live(name: string): Held | undefined {
    const held = this.#table.held.get(name);
    if (held && held.expiresAt <= Date.now()) {
      this.#table.held.delete(name);
      return undefined;
    }
    return held;
  }

  #waitForRelease(name: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#table.waiters.get(name);
      if (!waiters) {
        waiters = new Set();
        this.#table.waiters.set(name, waiters);
      }
      const set = waiters;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.#table.waiters.get(name) === set)
          this.#table.waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }
}

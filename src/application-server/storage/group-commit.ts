/**
 * Group commit: items handed in one by one are written in batches, one `write` (one
 * transaction) per batch, and each caller's promise settles when its batch is written. A batch
 * is written `intervalMs` after its first item, or at once when it reaches `maxBatch`; one batch
 * is written at a time, and items arriving meanwhile form the next. So a burst of messages
 * costs one commit per batch, never one per message, and nothing waits longer than a write
 * plus the interval.
 */
export interface GroupCommit<T> {
  /** Resolves once `item` is written; rejects with the write's error when its batch failed. */
  add(item: T): Promise<void>;
  /** Writes what is pending and waits for it; later `add`s are refused. */
  close(): Promise<void>;
}

export interface GroupCommitOptions<T> {
  write(items: T[]): Promise<void>;
  intervalMs: number;
  maxBatch: number;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export function groupCommit<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
  let pending: Pending<T>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let closed = false;

  async function writeBatch(batch: Pending<T>[]): Promise<void> {
    try {
      await options.write(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  // Starts the next batch unless one is being written (it starts the next when it is done).
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (writing || pending.length === 0) return;
    const batch = pending.slice(0, options.maxBatch);
    pending = pending.slice(batch.length);
    writing = writeBatch(batch).finally(() => {
      writing = undefined;
      if (pending.length >= options.maxBatch || (closed && pending.length > 0)) flush();
      else if (pending.length > 0) schedule();
    });
  }

  function schedule(): void {
    timer ??= setTimeout(flush, options.intervalMs);
  }

  return {
    add(item) {
      if (closed) return Promise.reject(new Error("the group commit is closed"));
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= options.maxBatch) flush();
        else schedule();
      });
    },
    async close() {
      closed = true;
      flush();
      while (writing) await writing;
    },
  };
}

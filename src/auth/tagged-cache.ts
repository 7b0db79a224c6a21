/** What a load gave: a value, or the error it threw. */
export type Outcome<V> = { ok: true; value: V } | { ok: false; error: unknown };

/** How long an outcome is kept and the tags that invalidate it; `undefined` keeps it not at all. */
export type KeepPolicy = { ttlMs: number; tags: readonly string[] } | undefined;

export interface TaggedCacheOptions {
  /** Entries kept at most; the least recently used one goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  outcome: Outcome<V>;
  expiresAt: number;
  tags: readonly string[];
}

/**
 * A bounded cache of loads (values and errors alike) with a time to live per entry and tags
 * to invalidate them by. Concurrent misses of one key share one load. A load that was running
 * while something was invalidated is not kept: it may have read what the invalidation was for.
 */
export class TaggedCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byTag = new Map<string, Set<string>>();
  readonly #loading = new Map<string, Promise<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation = 0;
  /** Answers from memory, loads started, and callers that joined a running load. */
  readonly stats = { hits: 0, misses: 0, coalesced: 0 };

  constructor(options: TaggedCacheOptions) {
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The kept outcome of `key`, or the outcome of `load` (kept as `keep` says). */
  get(key: string, load: () => Promise<V>, keep: (outcome: Outcome<V>) => KeepPolicy): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry) {
      if (entry.expiresAt > this.#now()) {
        this.stats.hits++;
        // Most recently used goes last, so that eviction takes the first.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return entry.outcome.ok
          ? Promise.resolve(entry.outcome.value)
          : Promise.reject(entry.outcome.error);
      }
      this.#delete(key);
    }
    const running = this.#loading.get(key);
    if (running) {
      this.stats.coalesced++;
      return running;
    }
    this.stats.misses++;
    const generation = this.#generation;
    const loading = load().then(
      (value) => this.#settle(key, { ok: true, value }, keep, generation),
      (error: unknown) => this.#settle(key, { ok: false, error }, keep, generation),
    );
    this.#loading.set(key, loading);
    const forget = () => {
      if (this.#loading.get(key) === loading) this.#loading.delete(key);
    };
    loading.then(forget, forget);
    return loading;
  }

  /** Drops every entry with the tag (and lets running loads finish unkept). */
  invalidate(tag: string): void {
    this.#generation++;
    this.#loading.clear();
    for (const key of this.#byTag.get(tag) ?? []) this.#delete(key);
  }

  /** Drops everything. */
  clear(): void {
    this.#generation++;
    this.#loading.clear();
    this.#entries.clear();
    this.#byTag.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #settle(
    key: string,
    outcome: Outcome<V>,
    keep: (outcome: Outcome<V>) => KeepPolicy,
    generation: number,
  ): V {
    const policy = keep(outcome);
    if (policy && policy.ttlMs > 0 && generation === this.#generation) {
      this.#delete(key);
      this.#entries.set(key, { outcome, expiresAt: this.#now() + policy.ttlMs, tags: policy.tags });
      for (const tag of policy.tags) {
        let keys = this.#byTag.get(tag);
        if (!keys) {
          keys = new Set();
          this.#byTag.set(tag, keys);
        }
        keys.add(key);
      }
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#delete(oldest);
      }
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTag.delete(tag);
    }
  }
}

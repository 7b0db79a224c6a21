/**
 * The `names` filter of an event stream, resolved once per subscription into the set of
 * defined event names it selects — as The Things Stack does: exact names (which must be
 * defined), `/regular expressions/`, and (ours) globs with `*`. A caller's regular expression
 * never runs on the main thread against live traffic: it runs once, in a worker thread with a
 * time limit, against the finite list of defined names.
 */
import { Worker } from "node:worker_threads";
import { definedEventNames, definitionsVersion } from "./definition.ts";
import {
  errInvalidRegexp,
  errNoMatchingEvents,
  errPatternsBusy,
  errPatternTooLong,
  errRegexpTimeout,
  errUnknownEventName,
} from "./errors.ts";
import type { PatternJob, PatternResult } from "./name-pattern-worker.ts";

/** The worker's first message (see `readyMessage` there; not imported: that would run it). */
const readyMessage = "ready";

export interface NamePatternOptions {
  /** How long one regular expression may take against every defined name; default 250 ms. */
  timeoutMs?: number;
  /** The longest pattern accepted; default 256 characters. */
  maxLength?: number;
  /** Regular expressions waiting for the worker beyond which requests are refused; default 32. */
  maxPending?: number;
  /** Results kept per pattern (the defined names change rarely); default 512. */
  cacheSize?: number;
  /** The names patterns select from; default every defined event name. */
  names?: () => readonly string[];
}

type Outcome = { names: readonly string[] } | { error: Error };

interface PendingJob {
  job: PatternJob;
  settle: (outcome: Outcome) => void;
}

/** Resolves name filters; holds one worker thread, started when first needed. */
export class NamePatternResolver {
  readonly #timeoutMs: number;
  readonly #maxLength: number;
  readonly #maxPending: number;
  readonly #cacheSize: number;
  readonly #names: () => readonly string[];
  readonly #cache = new Map<string, Outcome>();
  readonly #queue: PendingJob[] = [];
  #cacheVersion = -1;
  #worker: { thread: Worker; ready: Promise<void> } | undefined;
  #running: { pending: PendingJob; timer: NodeJS.Timeout } | undefined;
  /** Waiting for a new worker to be ready. */
  #starting = false;
  #nextId = 1;
  #closed = false;

  constructor(options: NamePatternOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 250;
    this.#maxLength = options.maxLength ?? 256;
    this.#maxPending = options.maxPending ?? 32;
    this.#cacheSize = options.cacheSize ?? 512;
    this.#names = options.names ?? definedEventNames;
  }

  /**
   * The defined names the patterns select, or `undefined` (every name) when there are none.
   * Typed `invalid_argument` errors name the first pattern that is unknown, invalid, too slow
   * or matches nothing.
   */
  async resolve(patterns: readonly string[]): Promise<ReadonlySet<string> | undefined> {
    if (patterns.length === 0) return undefined;
    const selected = new Set<string>();
    for (const pattern of patterns) {
      for (const name of await this.#resolveOne(pattern)) selected.add(name);
    }
    return selected;
  }

  /** Stops the worker; later regular expressions are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = new Error("name pattern resolver closed");
    for (const pending of this.#queue.splice(0)) pending.settle({ error: closed });
    if (this.#running) {
      clearTimeout(this.#running.timer);
      this.#running.pending.settle({ error: closed });
      this.#running = undefined;
    }
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.thread.terminate();
  }

  async #resolveOne(pattern: string): Promise<readonly string[]> {
    if (pattern.length > this.#maxLength)
      throw errPatternTooLong.create({ pattern: `${pattern.slice(0, 32)}…`, max: this.#maxLength });
    const names = this.#names();
    if (isRegexp(pattern)) {
      const outcome = await this.#cached(pattern, () =>
        this.#evaluate(pattern.slice(1, -1), names),
      );
      if ("error" in outcome) throw outcome.error;
      if (outcome.names.length === 0) throw errNoMatchingEvents.create({ pattern });
      return outcome.names;
    }
    if (pattern.includes("*")) {
      const matches = names.filter((name) => globMatches(pattern, name));
      if (matches.length === 0) throw errNoMatchingEvents.create({ pattern });
      return matches;
    }
    if (!names.includes(pattern)) throw errUnknownEventName.create({ name: pattern });
    return [pattern];
  }

  /** The outcome of a pattern, computed once per pattern while the definitions stay the same. */
  async #cached(pattern: string, compute: () => Promise<Outcome>): Promise<Outcome> {
    const version = definitionsVersion();
    if (version !== this.#cacheVersion) {
      this.#cache.clear();
      this.#cacheVersion = version;
    }
    const hit = this.#cache.get(pattern);
    if (hit) return hit;
    const outcome = await compute();
    if ("error" in outcome && errPatternsBusy.matches(outcome.error)) return outcome;
    if (this.#cache.size >= this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(pattern, outcome);
    return outcome;
  }

  #evaluate(source: string, names: readonly string[]): Promise<Outcome> {
    if (this.#closed) return Promise.resolve({ error: new Error("name pattern resolver closed") });
    if (this.#queue.length >= this.#maxPending)
      return Promise.resolve({ error: errPatternsBusy.create() });
    return new Promise((settle) => {
      this.#queue.push({ job: { id: this.#nextId++, source, names }, settle });
      this.#pump();
    });
  }

  /** Sends the next job to the worker when it is idle and ready; one job at a time. */
  #pump(): void {
    if (this.#running || this.#starting || this.#closed || this.#queue.length === 0) return;
    const worker = this.#workerThread();
    this.#starting = true;
    void worker.ready.then(() => {
      this.#starting = false;
      if (this.#closed) return;
      if (this.#worker !== worker) return this.#pump(); // it died starting: try a new one
      const pending = this.#queue.shift();
      if (pending) this.#run(worker.thread, pending);
    });
  }

  #run(thread: Worker, pending: PendingJob): void {
    const { source } = pending.job;
    const timer = setTimeout(() => {
      // The expression is still running: only ending the thread stops it.
      this.#running = undefined;
      this.#worker = undefined;
      void thread.terminate();
      pending.settle({
        error: errRegexpTimeout.create({ regexp: source, timeout_ms: this.#timeoutMs }),
      });
      this.#pump();
    }, this.#timeoutMs);
    this.#running = { pending, timer };
    thread.postMessage(pending.job);
  }

  #workerThread(): { thread: Worker; ready: Promise<void> } {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./name-pattern-worker.ts", import.meta.url));
    worker.unref(); // an idle resolver must not keep the process alive
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    worker.on("message", (result: PatternResult | typeof readyMessage) => {
      if (result === readyMessage) return markReady();
      const running = this.#running;
      if (!running || running.pending.job.id !== result.id) return;
      clearTimeout(running.timer);
      this.#running = undefined;
      running.pending.settle(
        "invalid" in result
          ? {
              error: errInvalidRegexp.create({
                regexp: running.pending.job.source,
                reason: result.invalid,
              }),
            }
          : { names: result.matches },
      );
      this.#pump();
    });
    worker.on("error", (error) => {
      // The worker died (out of memory, ...): fail the running job, start afresh for the next.
      if (this.#worker?.thread === worker) this.#worker = undefined;
      const running = this.#running;
      if (!running) {
        // It could not start: fail what waits rather than start workers in a loop.
        for (const pending of this.#queue.splice(0)) pending.settle({ error });
        markReady();
        return;
      }
      clearTimeout(running.timer);
      this.#running = undefined;
      running.pending.settle({ error });
      this.#pump();
    });
    this.#worker = { thread: worker, ready };
    return this.#worker;
  }
}

/** `/.../` is a regular expression, as in The Things Stack. */
function isRegexp(pattern: string): boolean {
  return pattern.length >= 2 && pattern.startsWith("/") && pattern.endsWith("/");
}

/**
 * Whether `name` matches a glob where `*` stands for any run of characters. Linear in the
 * name per star, with no backtracking: safe on the main thread.
 */
export function globMatches(glob: string, name: string): boolean {
  const parts = glob.split("*");
  const first = parts[0] as string;
  const last = parts.at(-1) as string;
  if (!name.startsWith(first)) return false;
  if (name.length < first.length + last.length || !name.endsWith(last)) return false;
  let position = first.length;
  const end = name.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, position);
    if (found < 0 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}

import { sql } from "kysely";
import type { DependencyCheck } from "../cluster/create-cluster.ts";
import type { Readiness } from "../http/health.ts";
import type { Database } from "../storage/index.ts";

export type { DependencyCheck } from "../cluster/create-cluster.ts";

/** The outcome of each dependency: `ok`, or why it is not. */
export type DependencyStates = Record<string, string>;

/** Whether a state of {@link DependencyStates} is a success. */
export const dependencyOk = "ok";

export interface DependencyCheckerOptions {
  /** A check that has not answered after this long failed (default 1 s). */
  timeoutMs?: number;
  /** An answer is reused for this long, so that probes do not load the dependencies (default 2 s). */
  cacheMs?: number;
  now?: () => number;
  /** Called when a dependency's state changes (`ok` ⇄ a reason), the first answer included. */
  onChange?: (name: string, state: string) => void;
}

interface Cached {
  atMs: number;
  result: Promise<string>;
}

/**
 * Runs the dependency checks of `/readyz`: all at once, each with a time limit, its answer
 * cached for a moment (concurrent probes share one run). Never rejects: a check that throws
 * or times out is reported with its reason.
 */
export class DependencyChecker {
  readonly #checks: readonly DependencyCheck[];
  readonly #timeoutMs: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #last = new Map<string, string>();
  readonly #onChange: ((name: string, state: string) => void) | undefined;

  constructor(checks: readonly DependencyCheck[], options: DependencyCheckerOptions = {}) {
    this.#checks = checks;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#cacheMs = options.cacheMs ?? 2000;
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
  }

  /** The names of the checks, in order. */
  get names(): string[] {
    return this.#checks.map((check) => check.name);
  }

  async states(): Promise<DependencyStates> {
    const results = await Promise.all(this.#checks.map((check) => this.#state(check)));
    return Object.fromEntries(this.#checks.map((check, i) => [check.name, results[i] as string]));
  }

  #state(check: DependencyCheck): Promise<string> {
    const now = this.#now();
    const cached = this.#cache.get(check.name);
    if (cached && now - cached.atMs < this.#cacheMs) return cached.result;
    const result = this.#run(check).then((state) => {
      const before = this.#last.get(check.name);
      this.#last.set(check.name, state);
      // Reasons of one failure vary in their details: only ok ⇄ failed is a change.
      if (before === undefined || (before === dependencyOk) !== (state === dependencyOk))
        this.#onChange?.(check.name, state);
      return state;
    });
    this.#cache.set(check.name, { atMs: now, result });
    return result;
  }

  async #run(check: DependencyCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.#timeoutMs} ms`), this.#timeoutMs);
    });
    try {
      return await Promise.race([
        check.check().then(
          () => dependencyOk,
          (error: unknown) => reasonOf(error),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The database check: one trivial query. */
export function databaseCheck(database: Database): DependencyCheck {
  return {
    name: "database",
    check: async () => {
      await sql`select 1`.execute(database.db);
    },
  };
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // One line, bounded: the answer is read by people and probes, not a place for stack dumps.
  const line = message.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line || "failed";
}

/** The `/readyz` answer of a process in `state`, its components' readiness and dependencies. */
export function composeReadiness(options: {
  state: "starting" | "running" | "stopping" | "stopped";
  components: Record<string, boolean>;
  dependencies: DependencyStates;
}): Readiness {
  const failed: string[] = [];
  if (options.state !== "running") failed.push(options.state);
  for (const [name, ready] of Object.entries(options.components)) if (!ready) failed.push(name);
  const dependencies: Readiness["dependencies"] = {};
  for (const [name, state] of Object.entries(options.dependencies)) {
    const ok = state === dependencyOk;
    dependencies[name] = ok ? "ok" : "unavailable";
    if (!ok) failed.push(name);
  }
  return { ready: failed.length === 0, components: options.components, dependencies, failed };
}

/**
 * Runs formatter scripts in isolated-vm: separate V8 isolates with a heap limit, a time limit
 * per call, and data crossing only as JSON strings (copies, never references into our heap).
 *
 * Shape: a small pool of isolates (default 2, one per core of a small machine, so one slow
 * script cannot hold every decode); a script always goes to the isolate its hash picks and gets
 * its own context there, compiled and run once, then reused until the bounded LRU evicts it.
 * An isolate that dies (out of memory) is replaced on its next use and its scripts recompiled;
 * the other isolates and their scripts are untouched.
 */
import { createHash } from "node:crypto";
import ivm from "isolated-vm";
import { scriptWrapperSource } from "./script-wrapper.ts";

/** Limits of the sandbox; the `as.formatters.*` keys and the pool's shape. */
export interface SandboxOptions {
  /** Heap limit of each isolate, MB (`as.formatters.memory_limit_mb`). */
  memoryLimitMb: number;
  /** Time limit of one call, and of a script's first run, ms (`as.formatters.timeout`). */
  timeoutMs: number;
  /** Longest accepted script, characters (`as.formatters.max_parameter_length`). */
  maxScriptLength: number;
  /** Longest JSON a call may return, characters. */
  maxOutputLength: number;
  /** Isolates in the pool. */
  isolates: number;
  /** Compiled scripts kept per isolate. */
  scriptsPerIsolate: number;
}

export type CallKind = "decodeUplink" | "encodeDownlink" | "decodeDownlink";

/** A call's outcome: the wrapper's parsed JSON, or why the script could not run. */
export type SandboxResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: string };

/** Counters that tests and metrics read. */
export interface SandboxStats {
  /** Scripts compiled and run into a context (a cache miss each). */
  compiles: number;
  /** Isolates created, including replacements of dead ones. */
  isolatesCreated: number;
  /** Isolates lost to their memory limit. */
  isolatesLost: number;
  /** Calls run again because another script killed their isolate under them. */
  bystanderRetries: number;
}

interface LoadedScript {
  context: ivm.Context;
  main: ivm.Reference<(kind: string, input: string) => string>;
  /** Calls under way; an evicted script is released when the last one ends. */
  inFlight: number;
  evicted: boolean;
}

/** A script that cannot load, kept so a broken script is not compiled again for every uplink. */
interface BrokenScript {
  error: string;
  /** It could not load because another script killed the isolate meanwhile. */
  bystander?: true;
}

/** What a call answers when another script killed the isolate under it. */
const bystander = Symbol("bystander");

/**
 * Whether a call failed because its isolate was disposed by something else: isolated-vm says
 * "Isolate is disposed" to the calls queued behind the one that exceeded the memory limit
 * (which is told "... disposed during execution due to memory limit").
 */
function isBystander(error: unknown): boolean {
  const message = messageOf(error);
  return /isolate is disposed/i.test(message) && !/memory limit/i.test(message);
}

type CacheEntry = Promise<LoadedScript | BrokenScript>;

interface Slot {
  isolate: ivm.Isolate | undefined;
  wrapper: Promise<ivm.Script> | undefined;
  /** Insertion order is recency: a hit moves its key to the end. */
  scripts: Map<string, CacheEntry>;
}

export class ScriptSandbox {
  readonly #options: SandboxOptions;
  readonly #slots: Slot[];
  readonly #stats: SandboxStats = {
    compiles: 0,
    isolatesCreated: 0,
    isolatesLost: 0,
    bystanderRetries: 0,
  };
  #closed = false;

  constructor(options: SandboxOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: Math.max(1, options.isolates) }, () => ({
      isolate: undefined,
      wrapper: undefined,
      scripts: new Map(),
    }));
  }

  stats(): SandboxStats {
    return { ...this.#stats };
  }

  /**
   * Calls `kind` of `source` with `input` (JSON-encoded here); never throws for the script's
   * fault. A call that fails only because another script killed the isolate it shared (out of
   * memory) runs once more on the replacement: a healthy script does not fail for its neighbour.
   */
  async call(source: string, kind: CallKind, input: unknown): Promise<SandboxResult> {
    if (this.#closed) return { ok: false, error: "payload formatters are closed" };
    if (source.length > this.#options.maxScriptLength) {
      return {
        ok: false,
        error: `script of ${source.length} characters exceeds the limit of ${this.#options.maxScriptLength}`,
      };
    }
    const hash = createHash("sha256").update(source).digest();
    const slot = this.#slots[(hash[0] as number) % this.#slots.length] as Slot;
    const key = hash.toString("hex");
    const first = await this.#callOnce(slot, key, source, kind, input);
    if (first !== bystander) return first;
    this.#stats.bystanderRetries++;
    const second = await this.#callOnce(slot, key, source, kind, input);
    return second === bystander
      ? { ok: false, error: "the sandbox was lost to another script twice" }
      : second;
  }

  async #callOnce(
    slot: Slot,
    key: string,
    source: string,
    kind: CallKind,
    input: unknown,
  ): Promise<SandboxResult | typeof bystander> {
    const loaded = await this.#load(slot, key, source);
    if ("error" in loaded) return loaded.bystander ? bystander : { ok: false, error: loaded.error };
    loaded.inFlight++;
    try {
      const output = await loaded.main.apply(undefined, [kind, JSON.stringify(input)], {
        timeout: this.#options.timeoutMs,
        result: { copy: true },
      });
      return parseOutput(output);
    } catch (error) {
      const failure = this.#failure(slot, error);
      return isBystander(error) ? bystander : { ok: false, error: failure };
    } finally {
      loaded.inFlight--;
      if (loaded.evicted && loaded.inFlight === 0) release(loaded);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.scripts.clear();
      if (slot.isolate !== undefined && !slot.isolate.isDisposed) slot.isolate.dispose();
      slot.isolate = undefined;
      slot.wrapper = undefined;
    }
  }

  #load(slot: Slot, key: string, source: string): CacheEntry {
    const cached = slot.scripts.get(key);
    if (cached !== undefined) {
      slot.scripts.delete(key);
      slot.scripts.set(key, cached);
      return cached;
    }
    const entry = this.#compile(slot, source).then((loaded) => {
      // A script that failed for want of time or memory may work next time; only a script
      // that fails by itself (syntax error, top-level throw) stays cached as broken.
      if ("error" in loaded && "transient" in loaded) slot.scripts.delete(key);
      return loaded;
    });
    slot.scripts.set(key, entry);
    this.#evict(slot);
    return entry;
  }

  async #compile(
    slot: Slot,
    source: string,
  ): Promise<LoadedScript | (BrokenScript & { transient?: true })> {
    const isolate = this.#isolate(slot);
    this.#stats.compiles++;
    let context: ivm.Context | undefined;
    try {
      slot.wrapper ??= isolate.compileScript(scriptWrapperSource, {
        filename: "lorastack:formatter-wrapper",
      });
      const wrapper = await slot.wrapper;
      context = await isolate.createContext();
      // The wrapper runs first so that it holds the built-ins before the script can replace them.
      const factory = (await wrapper.run(context, { reference: true })) as ivm.Reference<
        (...args: unknown[]) => unknown
      >;
      const main = (await factory.apply(undefined, [this.#options.maxOutputLength], {
        result: { reference: true },
      })) as unknown as ivm.Reference<(kind: string, input: string) => string>;
      factory.release();
      let script: ivm.Script;
      try {
        script = await isolate.compileScript(source, { filename: "formatter.js" });
      } catch (error) {
        context.release();
        return { error: `syntax error: ${messageOf(error)}` };
      }
      try {
        await script.run(context, { timeout: this.#options.timeoutMs });
      } catch (error) {
        context.release();
        const failure = this.#failure(slot, error);
        return isTransient(error, isolate)
          ? { error: failure, transient: true }
          : { error: `script failed to load: ${failure}` };
      } finally {
        script.release();
      }
      return { context, main, inFlight: 0, evicted: false };
    } catch (error) {
      if (context !== undefined && !isolate.isDisposed) context.release();
      const failure = this.#failure(slot, error);
      return isBystander(error)
        ? { error: failure, transient: true, bystander: true }
        : { error: failure, transient: true };
    }
  }

  #isolate(slot: Slot): ivm.Isolate {
    if (slot.isolate === undefined || slot.isolate.isDisposed) {
      slot.isolate = new ivm.Isolate({ memoryLimit: this.#options.memoryLimitMb });
      slot.wrapper = undefined;
      this.#stats.isolatesCreated++;
    }
    return slot.isolate;
  }

  /**
   * Why a call failed; an isolate that died is forgotten with all its scripts (once, by
   * whichever of its calls fails first). Only the call that ran out of memory is told so.
   */
  #failure(slot: Slot, error: unknown): string {
    const message = messageOf(error);
    if (slot.isolate?.isDisposed) {
      // Every context lived in the dead isolate: the next call rebuilds and recompiles.
      slot.isolate = undefined;
      slot.wrapper = undefined;
      slot.scripts.clear();
      this.#stats.isolatesLost++;
    }
    if (/memory limit/i.test(message))
      return `script ran out of memory (limit ${this.#options.memoryLimitMb} MB)`;
    if (/timed out/i.test(message)) return `script timed out after ${this.#options.timeoutMs} ms`;
    return message;
  }

  #evict(slot: Slot): void {
    while (slot.scripts.size > this.#options.scriptsPerIsolate) {
      const [oldestKey, oldest] = slot.scripts.entries().next().value as [string, CacheEntry];
      slot.scripts.delete(oldestKey);
      void oldest.then((loaded) => {
        if ("error" in loaded) return;
        loaded.evicted = true;
        if (loaded.inFlight === 0) release(loaded);
      });
    }
  }
}

function release(loaded: LoadedScript): void {
  try {
    loaded.main.release();
    loaded.context.release();
  } catch {
    // The isolate is already gone; nothing is left to release.
  }
}

function isTransient(error: unknown, isolate: ivm.Isolate): boolean {
  return isolate.isDisposed || /timed out/i.test(messageOf(error));
}

function messageOf(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

function parseOutput(output: unknown): SandboxResult {
  if (typeof output !== "string") return { ok: false, error: "the sandbox returned no output" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return { ok: false, error: "the sandbox returned malformed output" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: "the sandbox returned malformed output" };
  }
  const record = parsed as Record<string, unknown>;
  if (record.ok !== true) {
    return {
      ok: false,
      error: typeof record.error === "string" ? record.error : "the script failed",
    };
  }
  return { ok: true, value: record };
}

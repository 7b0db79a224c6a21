import { describe, it } from "node:test";
import { inCi } from "../../../test/harness/ci.ts";
import type { ClaimHolder } from "../claims.ts";

/** One instance's implementation object over the shared state of a fixture. */
export interface Opened<T> {
  readonly value: T;
  readonly identity: ClaimHolder;
  /**
   * Ends this object as a shutdown or crash would: timers stop, connections close, work in
   * flight is not finished. The shared state stays for other instances.
   */
  close(): Promise<void>;
}

/**
 * The shared state of one cluster (one Redis, one database, or one process's memory) and the
 * implementation objects opened over it. Every call of `instance` is a new object — another
 * instance, or the same instance after a restart.
 */
export interface Fixture<T> {
  instance(): Promise<Opened<T>>;
  /** Closes every instance still open and frees the shared state. */
  dispose(): Promise<void>;
}

/** Opens a fresh fixture: every test gets its own. */
export type FixtureFactory<T> = () => Promise<Fixture<T>>;

/** Runs `body` with a fresh fixture and disposes it afterwards, failed or not. */
export async function withFixture<T>(
  open: FixtureFactory<T>,
  body: (fixture: Fixture<T>) => Promise<void>,
): Promise<void> {
  const fixture = await open();
  try {
    await body(fixture);
  } finally {
    await fixture.dispose();
  }
}

/**
 * A suite over a backend that may be missing here (a server binary): skipped with the reason
 * outside CI, a failure in CI (`CI=true`), where every backend must run.
 */
export function describeBackend(
  name: string,
  skipReason: string | undefined,
  body: () => void,
): void {
  if (skipReason === undefined) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    if (inCi())
      it("has its backend", () => {
        throw new Error(`CI=true, so this cannot be skipped: ${skipReason}`);
      });
    else it("has its backend", (t) => t.skip(skipReason));
  });
}

/** Resolves after `ms`: only for waiting out a time to live, never instead of an event. */
export function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` until it holds; for state that changes without an event to await (a row
 * written by another instance). Fails after `timeoutMs`.
 */
export async function eventually<T>(
  condition: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await elapse(10);
  }
}

/** A promise with its resolve function, for "the handler was called" events. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
} {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Rejects when `promise` does not settle within `ms`, naming `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let counter = 0;
/** A name no other test of this process uses. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

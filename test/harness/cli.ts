/**
 * The CLI as its users run it, for the end-to-end tests of `lorastack`'s client commands:
 * each run is a child process (`bin/lorastack ...`) with `--server` at the stack and a HOME
 * and XDG_CONFIG_HOME of its own user in a temporary folder, so that logins and the
 * credentials file are the real ones and two users never share them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { lorastackBin } from "./lorastack-process.ts";
import { type RunResult, run } from "./run.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests' assertions check the shape
export type Json = any;

export interface CliRunOptions {
  /** The user whose config folder the run has; `operator` unless given. */
  as?: string;
  /** Written to stdin (`login --api-key -`). */
  input?: string;
  /** `--server`; the stack's unless given. */
  server?: string;
  /** Added to the environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface CliHarness {
  /** Runs the CLI to its end; never throws for a failed run. */
  cli(args: readonly string[], options?: CliRunOptions): Promise<RunResult>;
  /** Runs the CLI; it must succeed; its stdout as JSON (stdout is a pipe: JSON by default). */
  cliJson(args: readonly string[], options?: CliRunOptions): Promise<Json>;
  /** The environment of a run as `as`: PATH, its HOME and XDG_CONFIG_HOME, and `extra`. */
  envOf(as?: string, extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** The user's XDG_CONFIG_HOME. */
  configOf(as?: string): string;
}

/**
 * The runner of a test file. `where` is read at each run, since the file makes its home
 * folder and starts its stack in `before`.
 */
export function cliHarness(where: () => { home: string; server: string }): CliHarness {
  const configOf = (as = "operator") => join(where().home, as, ".config");
  const envOf = (as = "operator", extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? "",
    HOME: join(where().home, as),
    XDG_CONFIG_HOME: configOf(as),
    ...extra,
  });
  const cli = (args: readonly string[], options: CliRunOptions = {}) => {
    const { home, server } = where();
    return run(process.execPath, [lorastackBin, ...args, "--server", options.server ?? server], {
      env: envOf(options.as, options.env),
      cwd: home,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  };
  const cliJson = async (args: readonly string[], options: CliRunOptions = {}) => {
    const result = await cli(args, options);
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  };
  return { cli, cliJson, envOf, configOf };
}

/** A failed call: exit 1, the API's error name and correlation id on stderr, nothing on stdout. */
export function assertApiError(result: RunResult, name: RegExp): void {
  assert.equal(result.code, 1, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, name);
  assert.match(result.stderr, /correlation id: [0-9a-f-]{16,}/);
  assert.equal(result.stdout, "");
}

/** A usage error: exit 2, `message` (when given) on stderr, nothing on stdout. */
export function assertUsageError(result: RunResult, what: string, message?: RegExp): void {
  assert.equal(result.code, 2, `${what}: ${result.stdout}\n${result.stderr}`);
  if (message) assert.match(result.stderr, message);
  assert.equal(result.stdout, "");
}

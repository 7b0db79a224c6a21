import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { programConfig } from "../../src/program/config.ts";
import { run } from "./run.ts";

/** The repository root, where `bin/lorastack` lives. */
export const repositoryRoot = resolve(import.meta.dirname, "..", "..");
export const lorastackBin = join(repositoryRoot, "bin", "lorastack");

/** A JSON log line of the child. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export interface LorastackProcess {
  child: ChildProcess;
  dataDir: string;
  /** Bound address of each listener by name (`http`, `http (tls)`, ...). */
  listeners: Map<string, string>;
  /** `http://127.0.0.1:<port>` of the plain HTTP listener. */
  httpUrl: string;
  /** Every JSON log line so far. */
  logs: LogLine[];
  stderr(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** Arguments after `start`, e.g. component names or flags. */
  args?: string[];
  /**
   * A script to run instead of `bin/lorastack start` (a test's own program around
   * `startRuntime`); `args` follow it.
   */
  script?: string;
  /** Extra environment (LORASTACK_* from the test's own environment are not passed on). */
  env?: Record<string, string>;
  /** Use this data dir (kept) instead of a fresh temporary one (removed at stop). */
  dataDir?: string;
  timeoutMs?: number;
}

/**
 * The environment for a child on ephemeral ports: every plain listener on 127.0.0.1:0, every
 * TLS listener off, JSON logs, no first start (no admin user made), the parent's own
 * LORASTACK_* variables removed.
 */
export function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("LORASTACK_")) env[name] = value;
  }
  for (const key of programConfig.keys) {
    if (key.path.endsWith(".listen_tls")) env[key.env] = "";
    else if (key.path.endsWith(".listen")) env[key.env] = "127.0.0.1:0";
  }
  env.LORASTACK_DATA_DIR = dataDir;
  env.LORASTACK_LOG_FORMAT = "json";
  // Tests create their own admin; the Console's tests turn first start on.
  env.LORASTACK_FIRST_START_ENABLED = "false";
  return { ...env, ...extra };
}

/** Starts `bin/lorastack start` and resolves once `/readyz` answers 200. */
export async function startLorastack(options: StartOptions = {}): Promise<LorastackProcess> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "lorastack-e2e-")));
  const command = options.script ? [options.script] : [lorastackBin, "start"];
  const child = spawn(process.execPath, [...command, ...(options.args ?? [])], {
    env: childEnv(dataDir, options.env),
    cwd: dataDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const listeners = new Map<string, string>();
  let stderr = "";
  let buffer = "";
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      done(exited);
    });
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as LogLine;
        logs.push(parsed);
        if (parsed.msg === "listening")
          listeners.set(String(parsed.listener), String(parsed.address));
      } catch {
        stderr += `(stdout, not JSON) ${line}\n`;
      }
    }
  });

  const cleanup = async () => {
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let httpUrl = "";
  while (true) {
    if (exited) {
      await cleanup();
      throw new Error(
        `lorastack exited (${exited.code ?? exited.signal}) before it was ready:\n${stderr}\n${JSON.stringify(logs)}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exit;
      await cleanup();
      throw new Error(`lorastack was not ready in time:\n${stderr}\n${JSON.stringify(logs)}`);
    }
    const http = listeners.get("http");
    if (http) {
      httpUrl = `http://${http}`;
      const ready = await fetch(`${httpUrl}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) break;
    }
    await new Promise((done) => setTimeout(done, 50));
  }

  return {
    child,
    dataDir,
    listeners,
    httpUrl,
    logs,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = "SIGINT") {
      if (!exited) child.kill(signal);
      const result = await exit;
      await cleanup();
      return result;
    },
  };
}

/** Runs a one-shot `bin/lorastack` command (config, version, db migrate, a failing start...). */
export async function runLorastack(
  args: string[],
  options: { env?: Record<string, string>; dataDir: string; cwd?: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(process.execPath, [lorastackBin, ...args], {
    env: childEnv(options.dataDir, options.env),
    cwd: options.cwd ?? options.dataDir,
    timeoutMs: 30_000,
  });
}

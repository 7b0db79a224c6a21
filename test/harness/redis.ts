import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { skipOutsideCi } from "./ci.ts";
import { freePort } from "./free-port.ts";
import { run } from "./run.ts";

/** A throwaway Redis server on a random loopback port, without persistence. */
export interface TestRedis {
  uri: string;
  /** Kills the server (SIGKILL) and keeps its port for {@link resume}: Redis is down. */
  halt(): Promise<void>;
  /** Starts the server again on the same port, empty (no persistence): a restart. */
  resume(): Promise<void>;
  /** Kills the server for good and removes its folder. */
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or `undefined` when they can. */
export async function redisSkipReason(): Promise<string | undefined> {
  const found = await run("sh", ["-c", "command -v redis-server"]).catch(() => undefined);
  return skipOutsideCi(
    found?.code === 0
      ? undefined
      : "redis-server is not installed; .ci/run installs the redis-server package",
  );
}

export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), "lorastack-redis-"));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const uri = `redis://127.0.0.1:${port}`;
    let server = await spawnRedis(port, dir);
    if (await answers(uri, server.exited)) {
      const kill = async () => {
        server.child.kill("SIGKILL");
        await server.exited;
      };
      return {
        uri,
        halt: kill,
        async resume() {
          // The port was ours a moment ago; another process could take it only by chance.
          server = await spawnRedis(port, dir);
          if (!(await answers(uri, server.exited)))
            throw new Error(`redis-server did not start again on port ${port}`);
        },
        async stop() {
          await kill();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    server.child.kill("SIGKILL");
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error("redis-server did not start");
}

async function spawnRedis(
  port: number,
  dir: string,
): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return { child, exited };
}

async function answers(uri: string, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (let i = 0; i < 100 && !gone; i++) {
    const client = new Redis(uri, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => {});
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return true;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

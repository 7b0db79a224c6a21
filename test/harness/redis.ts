import { spawn } from "node:child_process";
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
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const uri = `redis://127.0.0.1:${port}`;
    if (await answers(uri, exited)) {
      return {
        uri,
        async stop() {
          child.kill("SIGKILL");
          await exited;
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill("SIGKILL");
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error("redis-server did not start");
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

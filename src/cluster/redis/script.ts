import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

type Argument = string | Buffer | number;

/**
 * A Lua script run atomically by Redis: by its SHA-1 (EVALSHA), sent in full (EVAL) when the
 * server does not have it cached yet (after a restart or a failover).
 */
export class RedisScript {
  readonly #lua: string;
  readonly #sha: string;

  constructor(lua: string) {
    this.#lua = lua;
    this.#sha = createHash("sha1").update(lua).digest("hex");
  }

  /** Runs the script; bulk replies come back as strings. */
  run(client: Redis, keys: readonly string[], args: readonly Argument[] = []): Promise<unknown> {
    return this.#call(client, keys, args, false);
  }

  /** Runs the script; bulk replies come back as Buffers (binary payloads). */
  runBuffer(
    client: Redis,
    keys: readonly string[],
    args: readonly Argument[] = [],
  ): Promise<unknown> {
    return this.#call(client, keys, args, true);
  }

  async #call(
    client: Redis,
    keys: readonly string[],
    args: readonly Argument[],
    buffers: boolean,
  ): Promise<unknown> {
    const rest: Argument[] = [keys.length, ...keys, ...args];
    const call = (command: string, first: string) =>
      buffers
        ? client.callBuffer(command, [first, ...rest])
        : client.call(command, [first, ...rest]);
    try {
      return await call("EVALSHA", this.#sha);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return call("EVAL", this.#lua);
    }
  }
}

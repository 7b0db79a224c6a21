import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { redisSkipReason, startRedis, type TestRedis } from "../../test/harness/redis.ts";
import { createRedisClient } from "./redis.ts";

const skip = await redisSkipReason();
let server: TestRedis | undefined;
before(async () => {
  if (!skip) server = await startRedis();
});
after(async () => {
  await server?.stop();
});

it("creates a client for redis.uri that connects, names itself and round-trips a key", async (t) => {
  if (!server) {
    t.skip(skip);
    return;
  }
  const client = createRedisClient(`${server.uri}/2`, "lorastack-test");
  try {
    await client.connect();
    await client.set("lorastack:probe", "1", "EX", 10);
    assert.equal(await client.get("lorastack:probe"), "1");
    assert.equal(await client.client("GETNAME"), "lorastack-test");
    assert.equal(client.options.db, 2);
  } finally {
    client.disconnect();
  }
});

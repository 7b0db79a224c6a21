import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { migrations } from "../../src/storage/migrations/index.ts";
import { startLorastack } from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";

const skipPostgres = postgresSkipReason();
const skipRedis = await redisSkipReason();

describe("lorastack on PostgreSQL", () => {
  let server: TestPostgres | undefined;
  before(async () => {
    if (!skipPostgres) server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  it("migrates and serves from PostgreSQL; two instances share one installation", async (t) => {
    if (!server) {
      t.skip(skipPostgres);
      return;
    }
    const uri = await server.createDatabase();
    const first = await startLorastack({ env: { LORASTACK_DATABASE_URI: uri } });
    const second = await startLorastack({ env: { LORASTACK_DATABASE_URI: uri } });
    try {
      const ready = (line: Record<string, unknown>) => line.msg === "database ready";
      const a = first.logs.find(ready);
      const b = second.logs.find(ready);
      assert.match(String(a?.database), /^postgres postgres:\/\/postgres@127\.0\.0\.1:\d+\//);
      assert.deepEqual(
        a?.applied,
        migrations.map((migration) => migration.name),
      );
      assert.deepEqual(b?.applied, [], "the second instance finds the schema migrated");
      assert.equal(a?.installation, b?.installation);
      assert.equal((await fetch(`${second.httpUrl}/readyz`)).status, 200);
    } finally {
      assert.equal((await first.stop()).code, 0);
      assert.equal((await second.stop()).code, 0);
    }
  });

  it("fails to start with a clear message when PostgreSQL is unreachable", async (t) => {
    if (!server) {
      t.skip(skipPostgres);
      return;
    }
    await assert.rejects(
      startLorastack({ env: { LORASTACK_DATABASE_URI: "postgres://postgres@127.0.0.1:1/none" } }),
      /database postgres is unavailable/,
    );
  });
});

describe("lorastack with Redis", () => {
  let redis: TestRedis | undefined;
  before(async () => {
    if (!skipRedis) redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it("connects to redis.uri at start and disconnects at stop", async (t) => {
    if (!redis) {
      t.skip(skipRedis);
      return;
    }
    const stack = await startLorastack({ env: { LORASTACK_REDIS_URI: redis.uri } });
    try {
      const connected = stack.logs.find((line) => line.msg === "redis connected");
      assert.equal(connected?.redis, redis.uri.replace("redis://", ""));
    } finally {
      assert.equal((await stack.stop()).code, 0);
    }
  });
});

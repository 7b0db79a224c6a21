import { after, before } from "node:test";
import { pino } from "pino";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import type { Codec } from "../codec.ts";
import { describeClaimsConformance } from "../conformance/claims.ts";
import { describeDeduplicatorConformance, type Reception } from "../conformance/deduplicator.ts";
import { describeBackend, type Fixture, type Opened, unique } from "../conformance/fixture.ts";
import { describeLocksConformance } from "../conformance/locks.ts";
import { describePubSubConformance, type PubSubInstance } from "../conformance/pubsub.ts";
import { describeTaskQueueConformance } from "../conformance/task-queue.ts";
import { type Coordination, redisCoordination } from "../coordination.ts";
import type { RedisPubSub } from "./pubsub.ts";

const logger = pino({ level: "silent" });
const timings = { pollIntervalMs: 1000, leaseMs: 1000 };

const receptionCodec: Codec<Reception> = {
  encode: (value) => Buffer.from(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(Buffer.from(bytes).toString("utf8")) as Reception,
};

let server: TestRedis | undefined;

/**
 * Instances of one cluster: each a whole `redisCoordination` with its own connections and
 * instance id, all under one key prefix of their own on the shared test server.
 */
function coordinationFixture<T>(
  pick: (coordination: Coordination) => T,
): () => Promise<Fixture<T>> {
  return async () => {
    if (!server) throw new Error("no Redis server");
    const uri = server.uri;
    const keyPrefix = `${unique("test")}:`;
    const open = new Set<Opened<T>>();
    let count = 0;
    return {
      async instance() {
        const n = ++count;
        const identity = { instanceId: `redis-${n}`, address: `10.0.0.${n}:1884` };
        const coordination = await redisCoordination({
          redis: uri,
          logger,
          keyPrefix,
          tasks: timings,
          ...identity,
        });
        const opened: Opened<T> = {
          value: pick(coordination),
          identity,
          async close() {
            if (open.delete(opened)) await coordination.close();
          },
        };
        open.add(opened);
        return opened;
      },
      async dispose() {
        await Promise.all([...open].map((opened) => opened.close()));
      },
    };
  };
}

describeBackend("Redis", await redisSkipReason(), () => {
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  describeClaimsConformance(
    "Redis",
    coordinationFixture((c) => c.claims),
  );
  describeLocksConformance(
    "Redis",
    coordinationFixture((c) => c.locks),
  );
  describeDeduplicatorConformance(
    "Redis",
    coordinationFixture((c) => c.deduplicator("uplinks", receptionCodec)),
  );
  describePubSubConformance(
    "Redis",
    coordinationFixture<PubSubInstance>((c) => ({
      pubsub: c.pubsub,
      ready: () => (c.pubsub as RedisPubSub).ready(),
    })),
  );
  describeTaskQueueConformance(
    "Redis",
    coordinationFixture((c) => c.tasks),
    timings,
  );
});

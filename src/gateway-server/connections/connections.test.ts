/**
 * Gateway connections and their claims in a real Redis: a Redis that restarts empty, or that is
 * down for a while, keeps every connection (the claim is made again); only another instance
 * that holds the gateway now replaces the connection here.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import pino from "pino";
import { Registry } from "prom-client";
import { redisSkipReason, startRedis, type TestRedis } from "../../../test/harness/redis.ts";
import { until } from "../../../test/harness/until.ts";
import { describeBackend, unique } from "../../cluster/conformance/fixture.ts";
import { type Coordination, redisCoordination } from "../../cluster/coordination.ts";
import type { DefinedError } from "../../errors/index.ts";
import { EventBus } from "../../events/index.ts";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { errConnectionReplaced } from "../errors.ts";
import { gatewayServerMetrics } from "../metrics.ts";
import type { ConnectionEnvironment } from "./connection.ts";
import { Connections, gatewayClaimId } from "./connections.ts";
import type { FrontendConnection } from "./frontend.ts";

const logger = pino({ level: "silent" });
const claimTtlMs = 300;

const registry = {
  byEui: async (eui: Uint8Array) =>
    create(GatewaySchema, {
      ids: { gatewayId: `gtw-${Buffer.from(eui).toString("hex")}`, eui },
      frequencyPlanIds: ["EU_863_870_TTN"],
    }),
  byId: async (gatewayId: string) => create(GatewaySchema, { ids: { gatewayId } }),
  updateAntennas: async () => {},
};

const frontend: FrontendConnection = {
  protocol: "udp",
  authenticated: false,
  sink: { send: async () => {}, close: () => {} },
};

function connections(coordination: Coordination): Connections {
  const environment: ConnectionEnvironment = {
    events: new EventBus(),
    metrics: gatewayServerMetrics(new Registry()),
    logger,
    upstream: { handleUplink: async () => true, reportTxAcknowledgment: async () => true },
    registry,
    scheduler: () => undefined,
    monotonicUs: () => Math.round(performance.now() * 1000),
    locationDebounceMs: 0,
    now: () => Date.now(),
  };
  return new Connections({
    registry,
    claims: coordination.claims,
    environment,
    claimTtlMs,
    fetchIntervalMs: 3_600_000,
    disconnectedStatsTtlMs: 60_000,
    unknownGatewayLogIntervalMs: 60_000,
  });
}

describeBackend("Gateway connections over Redis claims", await redisSkipReason(), () => {
  let server: TestRedis;
  const opened: { coordination: Coordination; gs: Connections }[] = [];
  let keyPrefix: string;

  before(async () => {
    server = await startRedis();
    keyPrefix = `${unique("gs")}:`;
  });
  after(async () => {
    for (const { gs, coordination } of opened) {
      await gs.stop();
      await coordination.close();
    }
    await server?.stop();
  });

  async function instance(n: number) {
    const coordination = await redisCoordination({
      redis: server.uri,
      logger,
      keyPrefix,
      instanceId: `gs-${n}`,
      address: `10.0.0.${n}:1884`,
    });
    const gs = connections(coordination);
    opened.push({ coordination, gs });
    return { coordination, gs };
  }

  async function connect(gs: Connections, eui: number) {
    const result = await gs.connect({ eui: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, eui) }, frontend);
    assert.ok(result.ok);
    let reason: DefinedError | undefined | null = null;
    void result.connection.closed.then((why) => {
      reason = why;
    });
    return { connection: result.connection, reason: () => reason };
  }

  it("keeps connections when Redis loses its data, and claims them again", async () => {
    const a = await instance(1);
    const first = await connect(a.gs, 1);
    const id = gatewayClaimId(first.connection.gatewayId);
    assert.equal((await a.coordination.claims.holder(id))?.instanceId, "gs-1");
    assert.equal(a.gs.claimed(), 1);

    // A Redis restarted without persistence is an empty Redis.
    const admin = new Redis(server.uri);
    await admin.flushall();
    admin.disconnect();
    assert.equal(await a.coordination.claims.holder(id), undefined);
    await until(
      async () => (await a.coordination.claims.holder(id))?.instanceId === "gs-1" || undefined,
      {
        what: "the claim made again",
      },
    );
    assert.ok(first.connection.isOpen, "the connection stays");
    assert.equal(first.reason(), null);
  });

  it("keeps connections while Redis is down, and claims them again when it is back", async () => {
    const a = await instance(2);
    const gateway = await connect(a.gs, 2);
    const id = gatewayClaimId(gateway.connection.gatewayId);
    await server.halt();
    // Several renewal periods and the whole time to live pass with Redis down.
    await new Promise((resolve) => setTimeout(resolve, 3 * claimTtlMs));
    assert.ok(gateway.connection.isOpen, "a Redis that is down is no reason to disconnect");
    await server.resume();
    await until(
      async () => (await a.coordination.claims.holder(id))?.instanceId === "gs-2" || undefined,
      { what: "the claim made again after the restart", ignoreErrors: true },
    );
    assert.ok(gateway.connection.isOpen);
    assert.equal(gateway.reason(), null);
  });

  it("replaces the connection when the gateway connected to another instance", async () => {
    const a = await instance(3);
    const b = await instance(4);
    const onA = await connect(a.gs, 3);
    const onB = await connect(b.gs, 3);
    await onA.connection.closed;
    assert.ok(errConnectionReplaced.matches(onA.reason()), "replaced on A");
    assert.ok(onB.connection.isOpen);
    const id = gatewayClaimId(onB.connection.gatewayId);
    assert.equal((await b.coordination.claims.holder(id))?.instanceId, "gs-4");
    assert.equal(a.gs.claimed(), 0);
    assert.equal(b.gs.claimed(), 1);
  });
});

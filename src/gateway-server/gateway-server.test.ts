/**
 * The Gateway Server in this process with the real Identity Server, a fake Network Server
 * (a `GsNs` implementation that records what it gets) and fake frontends, on two simulated
 * instances (A and B) that share one claims table: connections, uplinks to the Network
 * Server, downlinks routed to the instance that holds the gateway, stats, refusals.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { Registry } from "prom-client";
import { z } from "zod";
import { ApiRegistry } from "../api/registry.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { type ClaimTable, InProcessClaims } from "../cluster/in-process/claims.ts";
import { PeerDirectory } from "../cluster/peers/peers.ts";
import { PeerResolver } from "../cluster/peers/resolver.ts";
import type { PeerRole } from "../cluster/roles.ts";
import type { ComponentContext } from "../components/index.ts";
import type { DefinedError } from "../errors/index.ts";
import { EventBus, type StackEvent } from "../events/index.ts";
import { FrequencyPlans } from "../frequency-plans/index.ts";
import { GatewayStatusSchema } from "../gen/ttn/lorawan/v3/gateway_pb.js";
import { Gs, NsGs } from "../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { Class, DataRateSchema } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  type GatewayTxAcknowledgment,
  TxAcknowledgment_Result,
  TxAcknowledgmentSchema,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../gen/ttn/lorawan/v3/messages_pb.js";
import { GsNs } from "../gen/ttn/lorawan/v3/networkserver_pb.js";
import { identityServerConfig } from "../identity-server/config.ts";
import { createIdentityServer } from "../identity-server/identity-server.ts";
import { identityStores } from "../identity-server/registry.ts";
import { type Database, migrateToLatest, openDatabase } from "../storage/index.ts";
import { gatewayServerConfig } from "./config.ts";
import type { Connection } from "./connections/connection.ts";
import { gatewayClaimId } from "./connections/connections.ts";
import type { FrontendConnection } from "./connections/frontend.ts";
import { errNotConnected, errSchedule } from "./errors.ts";
import { createGatewayServer } from "./gateway-server.ts";
import { pathErrorsOf, scheduleDownlinkErrorDetails } from "./services/ns-gs.ts";
import { decodeUplinkToken } from "./uplink-token.ts";

const eui1 = Uint8Array.from(Buffer.from("AA555A0000000101", "hex"));
const eui2 = Uint8Array.from(Buffer.from("AA555A0000000102", "hex"));
const unknownEui = Uint8Array.from(Buffer.from("0102030405060708", "hex"));
const clusterKey = "00".repeat(16);

/** A fake frontend's side of a connection: what it was sent and told. */
class FakeFrontend implements FrontendConnection {
  readonly protocol = "udp";
  readonly remoteAddress = "192.0.2.10";
  readonly authenticated = false;
  readonly sent: DownlinkMessage[] = [];
  closedWith: DefinedError | undefined;
  readonly sink = {
    send: async (downlink: DownlinkMessage) => {
      this.sent.push(downlink);
    },
    close: (reason: DefinedError) => {
      this.closedWith = reason;
    },
  };
}

/** Rights by credential, as the Identity Server would answer. */
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization) =>
    new Set(
      authorization === "Bearer status-reader"
        ? ["RIGHT_GATEWAY_STATUS_READ" as const]
        : authorization === "Bearer info-only"
          ? ["RIGHT_GATEWAY_INFO" as const]
          : [],
    ),
};

describe("Gateway Server", () => {
  let folder: string;
  let database: Database;
  let stores: ReturnType<typeof identityStores>;
  const events = new EventBus();
  const seen: StackEvent[] = [];
  events.listen((event) => seen.push(event));
  const uplinks: UplinkMessage[] = [];
  const acks: GatewayTxAcknowledgment[] = [];
  const claims: ClaimTable = new Map();
  const apis = new Map<string, ApiRegistry>();
  const directories: PeerDirectory[] = [];
  const servers: { stop(): Promise<void> }[] = [];
  let a: ReturnType<typeof createGatewayServer>;
  let b: ReturnType<typeof createGatewayServer>;
  let noNs: ReturnType<typeof createGatewayServer>;
  const metricsA = new Registry();
  const metricsNoNs = new Registry();

  function directory(registry: ApiRegistry, roles: PeerRole[]): PeerDirectory {
    const peers = new PeerDirectory({
      registry,
      localRoles: new Set(roles),
      addresses: {},
      clusterKey,
      tls: false,
      resolver: new PeerResolver(),
    });
    directories.push(peers);
    return peers;
  }

  /** One simulated instance: its own API registry, the shared IS (and NS, if `ns`). */
  function instance(name: string, isRegistry: ApiRegistry, metrics: Registry, ns: boolean) {
    const api = name === "a" ? isRegistry : new ApiRegistry();
    // Instance A runs in the process of the Identity Server and Network Server; B and C do not.
    apis.set(name, api);
    const shared = directory(isRegistry, ns ? ["is", "ns"] : ["is"]);
    const cluster = {
      instanceId: name,
      address: name,
      peer: (role: PeerRole) => shared.peer(role),
      peerAt: (address: string) => directory(apis.get(address) as ApiRegistry, ["gs"]).peer("gs"),
      claims: new InProcessClaims({ instanceId: name, address: name }, claims),
    } as unknown as Cluster;
    const gs = createGatewayServer({
      section: z.strictObject(gatewayServerConfig.shape).parse({}),
      logger: pino({ level: "silent" }),
      metrics,
      events,
      api,
      cluster,
      rights,
      frequencyPlans: FrequencyPlans.builtIn(),
    } as unknown as ComponentContext<never>);
    servers.push(gs);
    return gs;
  }

  const gsPeer = (name: string) => directory(apis.get(name) as ApiRegistry, ["gs"]).peer("gs");

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-gs-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    stores = identityStores({ database });
    await stores.gateways.create("gtw-one", {
      gatewayEui: "AA555A0000000101",
      frequencyPlanId: "EU_863_870_TTN",
      frequencyPlanIds: ["EU_863_870_TTN"],
      locationPublic: true,
      antennas: [{ gain: 3, location: { latitude: 52.1, longitude: 5.1, altitude: 10 } }],
    });
    await stores.gateways.create("gtw-two", {
      gatewayEui: "AA555A0000000102",
      frequencyPlanId: "EU_863_870_TTN",
      frequencyPlanIds: ["EU_863_870_TTN"],
    });
    await stores.gateways.create("gtw-secure", {
      gatewayEui: "AA555A0000000103",
      requireAuthenticatedConnection: true,
    });
    const isApi = new ApiRegistry();
    createIdentityServer({
      database,
      api: isApi,
      events,
      section: z.strictObject(identityServerConfig.shape).parse({}),
      config: { http: { listen: ":1885" } },
    } as never as ComponentContext<never>);
    // The fake Network Server: records what the Gateway Server hands it.
    isApi.register(
      GsNs,
      {
        handleUplink: async (uplink) => {
          uplinks.push(uplink);
          return {};
        },
        reportTxAcknowledgment: async (ack) => {
          acks.push(ack);
          return {};
        },
      },
      { internal: true },
    );
    a = instance("a", isApi, metricsA, true);
    b = instance("b", isApi, new Registry(), true);
    noNs = instance("c", isApi, metricsNoNs, false);
  });

  after(async () => {
    for (const server of servers) await server.stop();
    for (const peers of directories) peers.close();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("refuses an unknown EUI, counted by reason", async () => {
    const result = await a.core.connections.connect({ eui: unknownEui }, new FakeFrontend());
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, "unknown_gateway");
    const again = await a.core.connections.connect({ eui: unknownEui }, new FakeFrontend());
    // The refusal is cached: the same error object answers again, at no cost.
    assert.equal(!again.ok && !result.ok && again.error, !result.ok && result.error);
    const drops = await metricsA.getSingleMetricAsString("lorastack_gs_drops_total");
    assert.match(drops, /reason="connect_unknown_gateway"} 2/);
  });

  it("refuses an unauthenticated connection of a gateway that requires authentication", async () => {
    const result = await a.core.connections.connect(
      { eui: Uint8Array.from(Buffer.from("AA555A0000000103", "hex")) },
      new FakeFrontend(),
    );
    assert.equal(!result.ok && result.reason, "unauthenticated");
  });

  let one: Connection;
  const frontendOne = new FakeFrontend();

  it("connects a registered gateway by EUI and claims it in the cluster", async () => {
    const result = await a.core.connections.connect({ eui: eui1 }, frontendOne);
    assert.ok(result.ok);
    one = result.connection;
    assert.equal(one.gatewayId, "gtw-one");
    assert.deepEqual(one.gateway.frequencyPlanIds, ["EU_863_870_TTN"]);
    const holder = await new InProcessClaims({ instanceId: "x", address: "x" }, claims).holder(
      gatewayClaimId("gtw-one"),
    );
    assert.equal(holder?.instanceId, "a");
    assert.ok(seen.some((event) => event.name === "gs.gateway.connect"));
  });

  it("hands uplinks to the Network Server with the gateway's metadata and an uplink token", async () => {
    const handled = await one.handleUplink(
      create(UplinkMessageSchema, {
        rawPayload: Uint8Array.from([0x40, 1, 2, 3, 4, 0, 1, 0, 1, 2, 3, 4, 5]),
        settings: { frequency: 868_100_000n },
        rxMetadata: [{ timestamp: 1_000_000, rssi: -50, channelRssi: -50, snr: 7.5 }],
      }),
      { receivedAtMs: Date.now(), clock: { timestamp: 1_000_000 } },
    );
    assert.equal(handled, true);
    const uplink = uplinks.at(-1);
    const metadata = uplink?.rxMetadata[0];
    assert.equal(metadata?.gatewayIds?.gatewayId, "gtw-one");
    assert.deepEqual(metadata?.gatewayIds?.eui, eui1);
    assert.equal(metadata?.location?.latitude, 52.1);
    assert.ok(metadata?.receivedAt);
    assert.ok(uplink?.receivedAt);
    assert.ok(uplink?.correlationIds.some((id) => id.startsWith("gs:uplink:")));
    assert.ok(uplink?.correlationIds.includes(one.correlationId));
    const token = decodeUplinkToken(metadata?.uplinkToken ?? new Uint8Array());
    assert.equal(token?.gatewayId, "gtw-one");
    assert.equal(token?.timestamp, 1_000_000);
    assert.ok(seen.some((event) => event.name === "gs.up.receive"));
  });

  it("drops uplinks without payload, with a drop event", async () => {
    const before = uplinks.length;
    assert.equal(await one.handleUplink(create(UplinkMessageSchema, {})), false);
    assert.equal(uplinks.length, before);
    assert.ok(seen.some((event) => event.name === "gs.up.drop"));
  });

  it("schedules a class A downlink from the uplink token on the gateway's connection", async () => {
    const token = uplinks.at(-1)?.rxMetadata[0]?.uplinkToken ?? new Uint8Array();
    const response = await gsPeer("a")
      .client(NsGs)
      .scheduleDownlink(classA(token, ["ns:downlink:1"]));
    assert.equal(response.rx1, true);
    const sent = frontendOne.sent.at(-1);
    assert.equal(sent?.settings.case, "scheduled");
    const settings = sent?.settings.case === "scheduled" ? sent.settings.value : undefined;
    assert.equal(settings?.timestamp, 2_000_000);
    assert.equal(settings?.frequency, 868_100_000n);
    assert.ok(sent?.correlationIds.includes("ns:downlink:1"));
    assert.equal(one.stats.downlinkCount, 1n);
    assert.ok(seen.some((event) => event.name === "gs.down.send"));
  });

  it("routes a downlink to the instance that holds the gateway", async () => {
    const frontendTwo = new FakeFrontend();
    const result = await b.core.connections.connect({ gatewayId: "gtw-two" }, frontendTwo);
    assert.ok(result.ok);
    // An uplink syncs the scheduler's clock: without one nothing can be timed.
    await result.connection.handleUplink(
      create(UplinkMessageSchema, {
        rawPayload: Uint8Array.from([0x40, 1]),
        rxMetadata: [{ timestamp: 7 }],
      }),
      { clock: { timestamp: 7 } },
    );
    const response = await gsPeer("a").client(NsGs).scheduleDownlink(classC("gtw-two"));
    assert.equal(response.rx2, true);
    assert.equal(frontendTwo.sent.length, 1);
    assert.equal(frontendOne.sent.length, 1, "not sent on instance A's gateway");
  });

  it("fails with schedule and each path's error when no path works", async () => {
    await assert.rejects(
      gsPeer("a").client(NsGs).scheduleDownlink(classC("gtw-nowhere")),
      (error: unknown) => {
        assert.ok(errSchedule.matches(error));
        const [path] = pathErrorsOf(error);
        assert.equal(path?.name, "not_connected");
        assert.equal(scheduleDownlinkErrorDetails(error).pathErrors[0]?.name, "not_connected");
        return true;
      },
    );
  });

  it("takes status messages and TX acknowledgments, reported to the Network Server", async () => {
    await one.handleStatus(create(GatewayStatusSchema, { versions: { firmware: "2.0.4" } }));
    await one.handleTxAcknowledgment(
      create(TxAcknowledgmentSchema, {
        correlationIds: ["ns:downlink:1"],
        result: TxAcknowledgment_Result.TOO_LATE,
      }),
    );
    assert.equal(acks.at(-1)?.gatewayIds?.gatewayId, "gtw-one");
    assert.equal(acks.at(-1)?.txAck?.result, TxAcknowledgment_Result.TOO_LATE);
    assert.ok(seen.some((event) => event.name === "gs.status.receive"));
    assert.ok(seen.some((event) => event.name === "gs.down.tx.fail"));
  });

  it("answers connection stats here and from the holding instance, with the right", async () => {
    const reader = (name: string) =>
      directory(apis.get(name) as ApiRegistry, ["gs"])
        .peer("gs")
        .client(Gs, { authorization: "Bearer status-reader" });
    const stats = await reader("a").getGatewayConnectionStats({ gatewayId: "gtw-one" });
    assert.equal(stats.protocol, "udp");
    assert.equal(stats.uplinkCount, 1n);
    assert.equal(stats.downlinkCount, 1n);
    assert.equal(stats.txAcknowledgmentCount, 1n);
    assert.equal(stats.lastStatus?.versions.firmware, "2.0.4");
    assert.equal(stats.gatewayRemoteAddress?.ip, "192.0.2.10");
    assert.equal(stats.hourlyTraffic.at(-1)?.uplinkCount, 1n, "this hour's uplink");
    const routed = await reader("a").getGatewayConnectionStats({ gatewayId: "gtw-two" });
    assert.equal(routed.downlinkCount, 1n);
    // The holding instance's hourly traffic crosses the peer call.
    assert.equal(routed.hourlyTraffic.at(-1)?.downlinkCount, 1n);
    const batch = await reader("b").batchGetGatewayConnectionStats({
      gatewayIds: [
        { gatewayId: "gtw-one" },
        { gatewayId: "gtw-two" },
        { gatewayId: "gtw-nowhere" },
      ],
      fieldMask: { paths: ["protocol", "hourly_traffic"] },
    });
    assert.deepEqual(Object.keys(batch.entries).sort(), ["gtw-one", "gtw-two"]);
    assert.equal(batch.entries["gtw-two"]?.hourlyTraffic.at(-1)?.downlinkCount, 1n);
    assert.equal(batch.entries["gtw-one"]?.protocol, "udp");
    assert.equal(batch.entries["gtw-one"]?.uplinkCount, 0n, "masked out");
    await assert.rejects(
      reader("a").getGatewayConnectionStats({ gatewayId: "gtw-nowhere" }),
      (error: unknown) => errNotConnected.matches(error),
    );
    await assert.rejects(
      directory(apis.get("a") as ApiRegistry, ["gs"])
        .peer("gs")
        .client(Gs, { authorization: "Bearer info-only" })
        .getGatewayConnectionStats({ gatewayId: "gtw-one" }),
      (error: unknown) => (error as DefinedError).code === "permission_denied",
    );
  });

  it("replaces a connection when the gateway connects again", async () => {
    const again = new FakeFrontend();
    const result = await a.core.connections.connect({ eui: eui1 }, again);
    assert.ok(result.ok);
    assert.equal(frontendOne.closedWith?.definition.name, "connection_replaced");
    assert.equal(await one.closed, frontendOne.closedWith);
    one = result.connection;
  });

  it("releases the claim on disconnect and keeps the last stats", async () => {
    one.disconnect();
    await one.closed;
    // The disconnect handler runs after `closed` resolves; wait for its claim release.
    await new Promise((resolve) => setImmediate(resolve));
    const holder = await new InProcessClaims({ instanceId: "x", address: "x" }, claims).holder(
      gatewayClaimId("gtw-one"),
    );
    assert.equal(holder, undefined);
    const stats = a.core.connections.stats("gtw-one");
    assert.ok(stats?.disconnectedAt);
    assert.ok(seen.some((event) => event.name === "gs.gateway.disconnect"));
  });

  it("counts uplinks it cannot hand to a Network Server, without failing", async () => {
    const result = await noNs.core.connections.connect({ eui: eui2 }, new FakeFrontend());
    assert.ok(result.ok);
    const handled = await result.connection.handleUplink(
      create(UplinkMessageSchema, {
        rawPayload: Uint8Array.from([0x40, 1]),
        rxMetadata: [{ timestamp: 5 }],
      }),
    );
    assert.equal(handled, false);
    const drops = await metricsNoNs.getSingleMetricAsString("lorastack_gs_drops_total");
    assert.match(drops, /reason="network_server_uplink"} 1/);
  });

  it("reads the registration again, and disconnects a deleted gateway", async () => {
    const result = await b.core.connections.connect({ eui: eui2 }, new FakeFrontend());
    assert.ok(result.ok);
    const { connection } = result;
    assert.equal(connection.gateway.scheduleDownlinkLate, false);
    await stores.gateways.update("gtw-two", { scheduleDownlinkLate: true }, [
      "scheduleDownlinkLate",
    ]);
    await b.core.connections.refresh(connection);
    assert.equal(connection.gateway.scheduleDownlinkLate, true);
    await stores.gateways.delete("gtw-two");
    await b.core.connections.refresh(connection);
    assert.equal((await connection.closed)?.definition.name, "gateway_not_found");
  });
});

function classA(token: Uint8Array, correlationIds: string[]): DownlinkMessage {
  const dataRate = create(DataRateSchema, {
    modulation: {
      case: "lora",
      value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
    },
  });
  return create(DownlinkMessageSchema, {
    rawPayload: Uint8Array.from([0x60, 1, 2, 3, 4]),
    correlationIds,
    settings: {
      case: "request",
      value: {
        class: Class.A,
        downlinkPaths: [{ path: { case: "uplinkToken", value: token } }],
        rx1Delay: 1,
        rx1DataRate: dataRate,
        rx1Frequency: 868_100_000n,
        rx2DataRate: dataRate,
        rx2Frequency: 869_525_000n,
      },
    },
  });
}

function classC(gatewayId: string): DownlinkMessage {
  const dataRate = create(DataRateSchema, {
    modulation: {
      case: "lora",
      value: { bandwidth: 125_000, spreadingFactor: 12, codingRate: "4/5" },
    },
  });
  return create(DownlinkMessageSchema, {
    rawPayload: Uint8Array.from([0x60, 1, 2, 3, 4]),
    settings: {
      case: "request",
      value: {
        class: Class.C,
        downlinkPaths: [{ path: { case: "fixed", value: { gatewayIds: { gatewayId } } } }],
        rx2DataRate: dataRate,
        rx2Frequency: 869_525_000n,
      },
    },
  });
}

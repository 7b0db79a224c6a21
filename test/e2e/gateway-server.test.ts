/**
 * The Gateway Server in the real program (`is` and `gs`, with a test-only frontend until the
 * real ones exist: gateway-server-process.ts): a gateway registered over REST connects, its
 * uplink reaches a Network Server played by this test (a gRPC server the Gateway Server dials
 * through `cluster.network_server_address`, with the cluster key), the Network Server's
 * downlink comes back over gRPC (`NsGs.ScheduleDownlink`) to the gateway, and the connection
 * stats routes answer with TTS's JSON and rights.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { ErrorDetailsSchema } from "../../src/gen/ttn/lorawan/v3/error_pb.js";
import { NsGs } from "../../src/gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { Class, DataRateSchema } from "../../src/gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  type UplinkMessage,
} from "../../src/gen/ttn/lorawan/v3/messages_pb.js";
import { GsNs } from "../../src/gen/ttn/lorawan/v3/networkserver_pb.js";
import { createAdmin, keyOf, lorastackCommand } from "../harness/identity-admin.ts";
import {
  type LorastackProcess,
  repositoryRoot,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const clusterKey = "5eed".repeat(16);
const script = join(repositoryRoot, "test", "e2e", "gateway-server-process.ts");

let stack: LorastackProcess;
let networkServer: http2.Http2Server;
let adminKey = "";
let strangerKey = "";
const uplinks: { uplink: UplinkMessage; clusterKey: string | null }[] = [];
const uplinkArrived: ((uplink: UplinkMessage) => void)[] = [];

async function call(method: string, path: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}

function nsGs(key?: string) {
  return createClient(
    NsGs,
    createGrpcTransport({
      baseUrl: `http://${stack.listeners.get("grpc")}`,
      interceptors: key
        ? [
            (next) => (request) => {
              request.header.set("lorastack-cluster-key", key);
              return next(request);
            },
          ]
        : [],
    }),
  );
}

before(async () => {
  // The Network Server: records uplinks and the cluster key they came with.
  networkServer = http2.createServer(
    connectNodeAdapter({
      routes(router) {
        router.service(GsNs, {
          async handleUplink(uplink, context) {
            uplinks.push({
              uplink,
              clusterKey: context.requestHeader.get("lorastack-cluster-key"),
            });
            for (const waiter of uplinkArrived.splice(0)) waiter(uplink);
            return {};
          },
          async reportTxAcknowledgment() {
            return {};
          },
        });
      },
    }),
  );
  await new Promise<void>((resolve) => networkServer.listen(0, "127.0.0.1", resolve));
  const nsPort = (networkServer.address() as AddressInfo).port;

  stack = await startLorastack({
    script,
    env: {
      LORASTACK_CLUSTER_KEYS: clusterKey,
      LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: `127.0.0.1:${nsPort}`,
    },
  });
  const { dataDir } = stack;
  adminKey = await createAdmin(dataDir);
  const key = async (user: string) =>
    keyOf(await lorastackCommand(dataDir, ["is-db", "create-api-key", "--user-id", user]));
  const carol = await call("POST", "/api/v3/users", adminKey, {
    user: {
      ids: { user_id: "carol" },
      primary_email_address: "carol@example.com",
      password: "Correct-Horse1",
    },
  });
  assert.equal(carol.status, 200, JSON.stringify(carol.json));
  strangerKey = await key("carol");
  const gateway = await call("POST", "/api/v3/users/admin/gateways", adminKey, {
    gateway: {
      ids: { gateway_id: "gw-e2e", eui: "AA555A0000000101" },
      frequency_plan_ids: ["EU_863_870_TTN"],
    },
  });
  assert.equal(gateway.status, 200, JSON.stringify(gateway.json));
});

after(async () => {
  await stack?.stop();
  await new Promise((resolve) => networkServer?.close(resolve));
});

const statsPath = "/api/v3/gs/gateways/gw-e2e/connection/stats";

describe("Gateway Server end to end", () => {
  it("answers not_connected for a registered gateway that is not connected", async () => {
    const result = await call("GET", statsPath, adminKey);
    assert.equal(result.status, 404, JSON.stringify(result.json));
    assert.equal(result.json.details?.[0]?.name, "not_connected");
  });

  it("guards the stats routes with RIGHT_GATEWAY_STATUS_READ", async () => {
    assert.equal((await call("GET", statsPath, undefined)).status, 401);
    const stranger = await call("GET", statsPath, strangerKey);
    assert.equal(stranger.status, 403);
    assert.equal(stranger.json.code, 7);
    const batch = { gateway_ids: [{ gateway_id: "gw-e2e" }] };
    assert.equal(
      (await call("POST", "/api/v3/gs/gateways/connection/stats", undefined, batch)).status,
      401,
    );
    assert.equal(
      (await call("POST", "/api/v3/gs/gateways/connection/stats", strangerKey, batch)).status,
      403,
    );
  });

  it("refuses an unknown gateway", async () => {
    const result = await call("POST", "/test/gs/connect", undefined, { eui: "0102030405060708" });
    assert.equal(result.status, 404);
    assert.equal(result.json.reason, "unknown_gateway");
  });

  let uplink: UplinkMessage;

  it("hands an uplink to the Network Server over gRPC with the cluster key", async () => {
    const connected = await call("POST", "/test/gs/connect", undefined, {
      eui: "AA555A0000000101",
    });
    assert.equal(connected.status, 200, JSON.stringify(connected.json));
    assert.equal(connected.json.gateway_id, "gw-e2e");
    const arrived = new Promise<UplinkMessage>((resolve) => uplinkArrived.push(resolve));
    const sent = await call("POST", "/test/gs/uplink", undefined, {
      gateway_id: "gw-e2e",
      raw_payload: Buffer.from("40AE130126800100015A5ED927", "hex").toString("base64"),
      timestamp: 2_000_000_000,
    });
    assert.equal(sent.json.handled, true);
    uplink = await arrived;
    assert.equal(uplinks.at(-1)?.clusterKey, clusterKey);
    const metadata = uplink.rxMetadata[0];
    assert.equal(metadata?.gatewayIds?.gatewayId, "gw-e2e");
    assert.equal(Buffer.from(metadata?.gatewayIds?.eui ?? []).toString("hex"), "aa555a0000000101");
    assert.equal(metadata?.timestamp, 2_000_000_000);
    assert.ok((metadata?.uplinkToken.length ?? 0) > 0);
    assert.ok(uplink.correlationIds.some((id) => id.startsWith("gs:uplink:")));
  });

  it("takes the Network Server's downlink over gRPC and hands it to the gateway", async () => {
    const token = uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array();
    const dataRate = create(DataRateSchema, {
      modulation: {
        case: "lora",
        value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
      },
    });
    const request: DownlinkMessage = create(DownlinkMessageSchema, {
      rawPayload: Uint8Array.from([0x20, 1, 2, 3]),
      correlationIds: ["ns:downlink:e2e"],
      settings: {
        case: "request",
        value: {
          class: Class.A,
          downlinkPaths: [{ path: { case: "uplinkToken", value: token } }],
          rx1Delay: 5,
          rx1DataRate: dataRate,
          rx1Frequency: 868_100_000n,
          rx2DataRate: dataRate,
          rx2Frequency: 869_525_000n,
        },
      },
    });
    // Without the cluster key the internal service is refused.
    await assert.rejects(nsGs().scheduleDownlink(request), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.Unauthenticated);
      return true;
    });
    const response = await nsGs(clusterKey).scheduleDownlink(request);
    assert.equal(response.rx1, true);
    const { json } = await call("GET", "/test/gs/downlinks?gateway_id=gw-e2e");
    assert.equal(json.downlinks.length, 1);
    assert.equal(json.downlinks[0].scheduled.timestamp, 2_005_000_000);
    assert.equal(json.downlinks[0].scheduled.frequency, "868100000");
    assert.ok(json.downlinks[0].correlation_ids.includes("ns:downlink:e2e"));
  });

  it("fails a downlink for a gateway that is not connected with TTS's schedule error", async () => {
    const request = create(DownlinkMessageSchema, {
      rawPayload: Uint8Array.from([0x20]),
      settings: {
        case: "request",
        value: {
          class: Class.C,
          downlinkPaths: [
            { path: { case: "fixed", value: { gatewayIds: { gatewayId: "gw-absent" } } } },
          ],
          rx2Frequency: 869_525_000n,
        },
      },
    });
    await assert.rejects(nsGs(clusterKey).scheduleDownlink(request), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.Aborted);
      const [details] = error.findDetails(ErrorDetailsSchema);
      assert.equal(details?.name, "schedule");
      const paths = details?.attributes?.path_errors as Json[] | undefined;
      assert.equal(paths?.[0]?.name, "not_connected");
      return true;
    });
  });

  it("shows the live connection's stats in TTS's JSON", async () => {
    const result = await call("GET", statsPath, adminKey);
    assert.equal(result.status, 200, JSON.stringify(result.json));
    assert.equal(result.json.protocol, "udp");
    assert.equal(result.json.uplink_count, "1");
    assert.equal(result.json.downlink_count, "1");
    assert.ok(result.json.connected_at);
    assert.ok(result.json.last_uplink_received_at);
    assert.deepEqual(result.json.gateway_remote_address, { ip: "127.0.0.1" });
    // lorastack's hourly traffic: the uplink's whole UTC hour holds the uplink and downlink.
    const hourOf = (at: string) => Math.floor(Date.parse(at) / 3_600_000) * 3_600_000;
    const hours = result.json.hourly_traffic as Json[];
    const uplinkHour = hours.find(
      (hour) => Date.parse(hour.start) === hourOf(result.json.last_uplink_received_at),
    );
    assert.deepEqual(
      { ...uplinkHour, start: undefined },
      {
        start: undefined,
        uplink_count: "1",
        downlink_count: "1",
      },
    );
    const batch = await call("POST", "/api/v3/gs/gateways/connection/stats", adminKey, {
      gateway_ids: [{ gateway_id: "gw-e2e" }],
      field_mask: { paths: ["uplink_count"] },
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.json));
    assert.deepEqual(batch.json.entries, { "gw-e2e": { uplink_count: "1" } });
  });
});

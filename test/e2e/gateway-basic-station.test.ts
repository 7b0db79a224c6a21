/**
 * The real LoRa Basics Station 2.0.6 (../shared/peers, on its simulated radio) against
 * `bin/lorastack start`: discovery, connection (stats `semtechws/lbslns`), router_config
 * accepted (station starts its radio), a jreq and an updf reaching the Network Server played
 * by this test (GsNs over gRPC with the cluster key) with their exact PHYPayloads and metadata,
 * a class A downlink (RX1, 1 s) and a join-accept (5 s) asked through NsGs and transmitted at
 * the booked concentrator time with their dntxed reported as SUCCESS, token authentication
 * over TLS with the gateway's lbs_lns_secret (a wrong one refused), an unknown station refused,
 * and hostile websocket frames while a station is connected.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import WebSocket from "ws";
import { decodeUplinkToken } from "../../src/gateway-server/uplink-token.ts";
import { NsGs } from "../../src/gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { Class, DataRateSchema } from "../../src/gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  DownlinkMessageSchema,
  type TxAcknowledgment,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../src/gen/ttn/lorawan/v3/messages_pb.js";
import { GsNs } from "../../src/gen/ttn/lorawan/v3/networkserver_pb.js";
import {
  makeStationServerCertificate,
  type StationServerCertificate,
  startBasicsStationWithCredentials,
} from "../harness/basics-station-credentials.ts";
import { skipOutsideCi } from "../harness/ci.ts";
import {
  type BasicsStation,
  gatewayPeersSkipReason,
  type StationTx,
  startBasicsStation,
} from "../harness/gateway-peers.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import {
  type LogLine,
  type LorastackProcess,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const clusterKey = "1b55".repeat(16);
const secret = "NNSXS.LBS-E2E.0123456789ABCDEF";
/** LoRaWAN's receive-window tolerance: station converts xtime to its radio's ticks itself. */
const stationToleranceUs = 20;

const peersSkip = await gatewayPeersSkipReason(["station"]);
const certificate: StationServerCertificate | undefined = peersSkip
  ? undefined
  : await makeStationServerCertificate();
const skip = peersSkip ?? (certificate ? undefined : skipOutsideCi("openssl is not available"));

let stack: LorastackProcess;
let networkServer: http2.Http2Server;
let adminKey = "";
const uplinks: UplinkMessage[] = [];
const acks: TxAcknowledgment[] = [];
const waiters: (() => void)[] = [];
const stations: { stop(): Promise<void> }[] = [];

/** Resolves with the first item of `list` (from `from` on) that `match` accepts. */
function awaitItem<T>(list: T[], match: (item: T) => boolean, what: string, from = 0): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000);
    const check = () => {
      const found = list.slice(from).find(match);
      if (found === undefined) return false;
      clearTimeout(timer);
      resolve(found);
      return true;
    };
    if (check()) return;
    const again = () => {
      if (!check()) waiters.push(again);
    };
    waiters.push(again);
  });
}

function notify() {
  for (const waiter of waiters.splice(0)) waiter();
}

/** Resolves with the first log line of the stack (from now on) that `match` accepts. */
function awaitLog(match: (line: LogLine) => boolean): Promise<LogLine> {
  const from = stack.logs.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for a log line")), 20_000);
    const check = () => {
      const found = stack.logs.slice(from).find(match);
      if (!found) return;
      clearTimeout(timer);
      stack.child.stdout?.off("data", onData);
      resolve(found);
    };
    // After the harness's own handler has parsed the chunk.
    const onData = () => setImmediate(check);
    stack.child.stdout?.on("data", onData);
    check();
  });
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}

const nsGs = () =>
  createClient(
    NsGs,
    createGrpcTransport({
      baseUrl: `http://${stack.listeners.get("grpc")}`,
      interceptors: [
        (next) => (request) => {
          request.header.set("lorastack-cluster-key", clusterKey);
          return next(request);
        },
      ],
    }),
  );

async function registerGateway(id: string, eui: string, extra: Json = {}) {
  const result = await call("POST", "/api/v3/users/admin/gateways", {
    gateway: {
      ids: { gateway_id: id, eui },
      frequency_plan_ids: ["EU_863_870_TTN"],
      enforce_duty_cycle: true,
      ...extra,
    },
  });
  assert.equal(result.status, 200, JSON.stringify(result.json));
}

describe("LoRa Basics Station against lorastack", { skip }, () => {
  before(async () => {
    networkServer = http2.createServer(
      connectNodeAdapter({
        routes(router) {
          router.service(GsNs, {
            async handleUplink(uplink) {
              uplinks.push(uplink);
              notify();
              return {};
            },
            async reportTxAcknowledgment(ack) {
              if (ack.txAck) acks.push(ack.txAck);
              notify();
              return {};
            },
          });
        },
      }),
    );
    await new Promise<void>((resolve) => networkServer.listen(0, "127.0.0.1", resolve));
    const nsPort = (networkServer.address() as AddressInfo).port;
    stack = await startLorastack({
      // The Network Server is the test's double: the stack's own one does not run.
      args: ["is", "gs", "gcs"],
      env: {
        LORASTACK_CLUSTER_KEYS: clusterKey,
        LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: `127.0.0.1:${nsPort}`,
        LORASTACK_GS_BASIC_STATION_ALLOW_UNAUTHENTICATED: "true",
        LORASTACK_BASIC_STATION_LISTEN_TLS: "127.0.0.1:0",
        LORASTACK_TLS_CERTIFICATE: certificate?.certificateFile ?? "",
        LORASTACK_TLS_KEY: certificate?.keyFile ?? "",
      },
    });
    const { dataDir } = stack;
    adminKey = await createAdmin(dataDir);
    await registerGateway("lbs-open", "0016C001FFFE0001");
    await registerGateway("lbs-knock", "0016C001FFFE0003");
    await registerGateway("lbs-secret", "0016C001FFFE0002", {
      lbs_lns_secret: { value: Buffer.from(secret).toString("base64") },
      require_authenticated_connection: true,
    });
  });

  after(async () => {
    await Promise.all(stations.map((station) => station.stop().catch(() => {})));
    await stack?.stop();
    await new Promise((resolve) => networkServer?.close(resolve));
    await certificate?.remove();
  });

  let station: BasicsStation;
  const plain = () => `ws://${stack.listeners.get("basic_station")}`;

  it("connects: discovery, traffic, router_config accepted (the radio starts)", async () => {
    station = await startBasicsStation({ tcUri: plain() });
    stations.push(station);
    await station.connected;
    const stats = await call("GET", "/api/v3/gs/gateways/lbs-open/connection/stats");
    assert.equal(stats.status, 200, JSON.stringify(stats.json));
    assert.equal(stats.json.protocol, "semtechws/lbslns");
    assert.ok(stats.json.connected_at);
    assert.equal(stats.json.last_status?.versions?.station, "2.0.6(linux/testsim)");
  });

  let joinRequest: UplinkMessage;
  let joinRx: { count_us: number; xticks: number };
  const joinHex = "0001020304050607081122334455667788341232E1D0A1";

  it("hands a jreq to the Network Server with its exact PHYPayload and metadata", async () => {
    const from = uplinks.length;
    joinRx = station.uplink({ freq: 867.1, sf: 12, bw: 125, rssi: -101, snr: -4.5, hex: joinHex });
    joinRequest = await awaitItem(
      uplinks,
      (up) => Buffer.from(up.rawPayload).toString("hex") === joinHex.toLowerCase(),
      "the jreq",
      from,
    );
    assert.equal(joinRequest.settings?.frequency, 867_100_000n);
    const lora = joinRequest.settings?.dataRate?.modulation;
    assert.equal(lora?.case, "lora");
    assert.equal(lora?.value.spreadingFactor, 12);
    assert.equal(lora?.value.bandwidth, 125_000);
    const metadata = joinRequest.rxMetadata[0];
    assert.equal(metadata?.gatewayIds?.gatewayId, "lbs-open");
    assert.equal(metadata?.timestamp, joinRx.count_us >>> 0);
    assert.equal(metadata?.rssi, -101);
    assert.equal(metadata?.channelRssi, -101);
    assert.equal(metadata?.snr, -4.5);
    assert.equal(metadata?.antennaIndex, 0);
    assert.ok(joinRequest.receivedAt);
  });

  let dataUplink: UplinkMessage;
  let dataRx: { count_us: number; xticks: number };
  const dataHex = "4004030201800A0001DEADBEEF11223344";

  it("hands an updf to the Network Server with its exact PHYPayload and metadata", async () => {
    const from = uplinks.length;
    dataRx = station.uplink({ freq: 868.3, sf: 7, bw: 125, rssi: -57, snr: 7.25, hex: dataHex });
    dataUplink = await awaitItem(
      uplinks,
      (up) => Buffer.from(up.rawPayload).toString("hex") === dataHex.toLowerCase(),
      "the updf",
      from,
    );
    assert.equal(dataUplink.settings?.frequency, 868_300_000n);
    const lora = dataUplink.settings?.dataRate?.modulation;
    assert.equal(lora?.value && "spreadingFactor" in lora.value && lora.value.spreadingFactor, 7);
    const metadata = dataUplink.rxMetadata[0];
    assert.equal(metadata?.timestamp, dataRx.count_us >>> 0);
    assert.equal(metadata?.rssi, -57);
    assert.equal(metadata?.snr, 7.25);
    // The token carries the uplink's whole xtime (session above bit 48, beyond 2^53).
    const token = decodeUplinkToken(metadata?.uplinkToken ?? new Uint8Array());
    assert.equal(Number((token?.concentratorTime ?? 0n) & 0xffffffffn), dataRx.count_us >>> 0);
  });

  async function classA(
    uplink: UplinkMessage,
    rx1Delay: number,
    frequency: bigint,
    spreadingFactor: number,
    payload: Uint8Array,
    correlationId: string,
  ) {
    const dataRate = (sf: number) =>
      create(DataRateSchema, {
        modulation: {
          case: "lora",
          value: { bandwidth: 125_000, spreadingFactor: sf, codingRate: "4/5" },
        },
      });
    return nsGs().scheduleDownlink(
      create(DownlinkMessageSchema, {
        rawPayload: payload,
        correlationIds: [correlationId],
        settings: {
          case: "request",
          value: {
            class: Class.A,
            downlinkPaths: [
              {
                path: {
                  case: "uplinkToken",
                  value: uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array(),
                },
              },
            ],
            rx1Delay,
            rx1DataRate: dataRate(spreadingFactor),
            rx1Frequency: frequency,
            rx2DataRate: dataRate(12),
            rx2Frequency: 869_525_000n,
          },
        },
      }),
    );
  }

  it("transmits a join-accept (5 s) and an RX1 downlink (1 s) at the booked concentrator time, dntxed as SUCCESS", async () => {
    const joinAccept = Buffer.from(`20${"ab".repeat(16)}`, "hex");
    const dataDown = Buffer.from("600403020100010001cafe", "hex");
    const accepted = await classA(joinRequest, 5, 867_100_000n, 12, joinAccept, "ns:e2e:join");
    assert.equal(accepted.rx1, true);
    const answered = await classA(dataUplink, 1, 868_300_000n, 7, dataDown, "ns:e2e:data");
    assert.equal(answered.rx1, true);
    const isPayload = (payload: Buffer) => (tx: StationTx) =>
      tx.data === payload.toString("base64");
    const dataTx = await station.nextTransmission({ match: isPayload(dataDown), timeoutMs: 8000 });
    const joinTx = await station.nextTransmission({
      match: isPayload(joinAccept),
      timeoutMs: 8000,
    });
    const errors = {
      rx1: (dataTx.count_us - dataRx.count_us - 1_000_000) | 0,
      joinAccept: (joinTx.count_us - joinRx.count_us - 5_000_000) | 0,
    };
    assert.ok(Math.abs(errors.rx1) <= stationToleranceUs, `RX1 off by ${errors.rx1} µs`);
    assert.ok(
      Math.abs(errors.joinAccept) <= stationToleranceUs,
      `join-accept off by ${errors.joinAccept} µs`,
    );
    assert.equal(dataTx.freq_hz, 868_300_000);
    assert.equal(dataTx.sf, 7);
    assert.equal(joinTx.freq_hz, 867_100_000);
    assert.equal(joinTx.sf, 12);
    assert.equal(dataTx.invert_pol, true);
    // The dntxed of each reached the Network Server as SUCCESS, with the booked downlink,
    // whose concentrator time is exactly the uplink's xtime + RX1 delay.
    for (const [id, uplink, delayUs] of [
      ["ns:e2e:data", dataUplink, 1_000_000n],
      ["ns:e2e:join", joinRequest, 5_000_000n],
    ] as const) {
      const ack = await awaitItem(
        acks,
        (a) => a.correlationIds.includes(id),
        `the dntxed of ${id}`,
      );
      assert.equal(ack.result, TxAcknowledgment_Result.SUCCESS);
      const token = decodeUplinkToken(uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array());
      const scheduled = ack.downlinkMessage?.settings;
      assert.equal(scheduled?.case, "scheduled");
      assert.equal(
        scheduled?.case === "scheduled" ? scheduled.value.concentratorTimestamp : undefined,
        (token?.concentratorTime ?? 0n) + delayUs,
      );
    }
    console.log(`station TX error (radio ticks vs uplink + delay): ${JSON.stringify(errors)} µs`);
    const stats = await call("GET", "/api/v3/gs/gateways/lbs-open/connection/stats");
    assert.equal(stats.json.downlink_count, "2");
    assert.equal(stats.json.tx_acknowledgment_count, "2");
  });

  it("drops hostile frames of another connection by reason, the station undisturbed", async () => {
    // A client on another registered gateway's traffic endpoint, sending garbage.
    const connected = awaitLog(
      (line) => line.msg === "gateway connected" && line.gateway_id === "lbs-knock",
    );
    const knock = new WebSocket(`${plain()}/traffic/eui-0016C001FFFE0003`);
    knock.on("error", () => {});
    await new Promise((resolve) => knock.once("open", resolve));
    await connected;
    // 100,000 frames: a third binary, a third station-like with wrong types, a third random.
    const random = randomBytes(64 * 1024);
    for (let index = 0; index < 100_000; index++) {
      const at = (index * 97) % (random.length - 300);
      const bytes = random.subarray(at, at + 1 + (index % 300));
      if (index % 3 === 0) knock.send(bytes, { binary: true });
      else if (index % 3 === 1) knock.send(`{"msgtype":"updf","DR":${index},"Freq":"x"}`);
      else knock.send(bytes.toString("latin1"));
    }
    knock.send("x".repeat(100 * 1024));
    const code = await new Promise<number>((resolve) => knock.once("close", resolve));
    assert.equal(code, 1009);
    // The station's uplinks still arrive, on its connection.
    const from = uplinks.length;
    const hex = "4004030201800B0001CAFEBABE11223344";
    station.uplink({ freq: 868.1, sf: 7, bw: 125, hex });
    const later = await awaitItem(
      uplinks,
      (up) => Buffer.from(up.rawPayload).toString("hex") === hex.toLowerCase(),
      "an uplink after the flood",
      from,
    );
    assert.equal(later.rxMetadata[0]?.gatewayIds?.gatewayId, "lbs-open");
    const metrics = await fetch(`http://${stack.listeners.get("metrics")}/metrics`).then((r) =>
      r.text(),
    );
    const drops = (reason: string) =>
      Number(
        new RegExp(`lorastack_gs_drops_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    assert.equal(drops("basic_station_frame_too_large"), 1);
    assert.equal(drops("basic_station_binary_frame"), 33_334);
    assert.ok(drops("basic_station_bad_field") >= 33_333);
    // The random third: garbage, whatever reason each frame earns.
    const reasons = [
      ...metrics.matchAll(
        /lorastack_gs_drops_total\{[^}]*reason="basic_station_[^"]+"[^}]*\} (\d+)/g,
      ),
    ];
    const total = reasons.reduce((sum, match) => sum + Number(match[1]), 0);
    assert.ok(total >= 100_001, `${total} frames counted`);
  });

  it("refuses an unknown station at discovery", async () => {
    const refused = awaitLog(
      (line) =>
        line.msg?.startsWith("router-info: unknown gateway") === true &&
        line.gateway_eui === "0016C001FFFE00FF",
    );
    const unknown = await startBasicsStation({ tcUri: plain(), eui: "00-16-C0-01-FF-FE-00-FF" });
    stations.push(unknown);
    await refused;
    await unknown.stop();
  });

  it("authenticates a station by its lbs_lns_secret over TLS, and refuses a wrong one", async () => {
    assert.ok(certificate);
    const tls = `wss://${stack.listeners.get("basic_station (tls)")}`;
    const refusal = awaitLog(
      (line) => line.msg === "station refused" && line.gateway_eui === "0016C001FFFE0002",
    );
    const wrong = await startBasicsStationWithCredentials({
      tcUri: tls,
      eui: "00-16-C0-01-FF-FE-00-02",
      trust: certificate.certificate,
      authorization: "Bearer NNSXS.WRONG",
    });
    stations.push(wrong);
    assert.equal((await refusal).reason, "unauthenticated");
    await wrong.stop();
    const right = await startBasicsStationWithCredentials({
      tcUri: tls,
      eui: "00-16-C0-01-FF-FE-00-02",
      trust: certificate.certificate,
      authorization: `Bearer ${secret}`,
    });
    stations.push(right);
    await right.radio.connected;
    const stats = await call("GET", "/api/v3/gs/gateways/lbs-secret/connection/stats");
    assert.equal(stats.status, 200, JSON.stringify(stats.json));
    assert.equal(stats.json.protocol, "semtechws/lbslns");
  });
});

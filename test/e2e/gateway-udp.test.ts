/**
 * The Semtech UDP frontend in the real program (`bin/lorastack start`) with the REAL
 * `lora_pkt_fwd` 4.0.1 (on the fake SX1301 HAL of ../shared/peers), started with the
 * `global_conf.json` our Gateway Configuration Server answers for the registered gateway (whose
 * `gateway_server_address` is the Gateway Server's ephemeral UDP port). The test plays the
 * Network Server: uplinks arrive on its `GsNs`, downlinks go out through `NsGs`, and the
 * forwarder's radio tells at which concentrator time each downlink was transmitted.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { ErrorDetailsSchema } from "../../src/gen/ttn/lorawan/v3/error_pb.js";
import { Class, DataRateSchema } from "../../src/gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../src/gen/ttn/lorawan/v3/messages_pb.js";
import {
  gatewayPeersSkipReason,
  type PacketForwarder,
  startPacketForwarder,
} from "../harness/gateway-peers.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import {
  type NetworkServerDouble,
  nsGsClient,
  startNetworkServerDouble,
} from "../harness/network-server-double.ts";
import { until } from "../harness/until.ts";
import { openStream, within } from "./events-client.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const peersSkip = await gatewayPeersSkipReason(["pktfwd"]);
const clusterKey = "0dd5".repeat(16);
const metricsToken = "metrics-T0ken";
const mainEui = "AA555A0000000101";
const wrapEui = "AA555A0000000102";
const quietEui = "AA555A0000000103";
const unknownEui = "0102030405060708";
/** A data uplink as a device sends it (unconfirmed, FPort 1). */
const dataUplink = "40040302018000000a01deadbeef11223344";

let stack: LorastackProcess;
let ns: NetworkServerDouble;
let adminKey = "";
let udpPort = 0;
const forwarders: PacketForwarder[] = [];

async function call(method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${adminKey}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: (text ? JSON.parse(text) : {}) as Json };
}

/** Polls `check` until it returns a value (a condition of the running program, not a sleep). */
async function metric(name: string, labels: string): Promise<number> {
  const response = await fetch(`http://${stack.listeners.get("metrics")}/metrics`, {
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  const text = await response.text();
  // Labels in any order, with the registry's default ones (service="lorastack").
  const line = text
    .split("\n")
    .find((entry) => entry.startsWith(`${name}{`) && entry.split("} ")[0]?.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

async function createGateway(id: string, eui: string) {
  const created = await call("POST", "/api/v3/users/admin/gateways", {
    gateway: {
      ids: { gateway_id: id, eui },
      frequency_plan_ids: ["EU_863_870_TTN"],
      gateway_server_address: `127.0.0.1:${udpPort}`,
      enforce_duty_cycle: true,
    },
  });
  assert.equal(created.status, 200, created.text);
}

/** lora_pkt_fwd started with the global_conf.json the GCS answers for `id`, as it is. */
async function forwarderFor(id: string, counterStart?: number): Promise<PacketForwarder> {
  const conf = await call("GET", `/api/v3/gcs/gateways/${id}/semtechudp/global_conf.json`);
  assert.equal(conf.status, 200, conf.text);
  assert.equal(conf.json.gateway_conf.serv_port_up, udpPort);
  const gateway = await startPacketForwarder({
    globalConf: conf.text,
    ...(counterStart !== undefined ? { counterStart } : {}),
  });
  forwarders.push(gateway);
  return gateway;
}

async function stats(id: string): Promise<Json | undefined> {
  const answer = await call("GET", `/api/v3/gs/gateways/${id}/connection/stats`);
  return answer.status === 200 ? answer.json : undefined;
}

const loraRate = (spreadingFactor: number) =>
  create(DataRateSchema, {
    modulation: { case: "lora", value: { bandwidth: 125_000, spreadingFactor, codingRate: "4/5" } },
  });

/** A class A answer to `uplink` in RX1 after `rx1Delay` s (RX2: 869.525 MHz SF12). */
function classA(uplink: UplinkMessage, rx1Delay: number, spreadingFactor: number): DownlinkMessage {
  return create(DownlinkMessageSchema, {
    rawPayload: Buffer.from("600403020100010001cafe55667788", "hex"),
    correlationIds: [`ns:downlink:${Math.random().toString(16).slice(2)}`],
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
        rx1DataRate: loraRate(spreadingFactor),
        rx1Frequency: uplink.settings?.frequency ?? 0n,
        rx2DataRate: loraRate(12),
        rx2Frequency: 869_525_000n,
        priority: 6,
      },
    },
  });
}

const euiOf = (uplink: UplinkMessage) =>
  Buffer.from(uplink.rxMetadata[0]?.gatewayIds?.eui ?? [])
    .toString("hex")
    .toUpperCase();

/** Injects an uplink and returns it as the Network Server received it, with the radio's tmst. */
async function uplinkThrough(
  gateway: PacketForwarder,
  radio: { freq?: number; datr?: string; tmst?: number } = {},
) {
  const since = ns.uplinks.items.length;
  const rx = await gateway.uplink({ freq: 868.1, datr: "SF7BW125", hex: dataUplink, ...radio });
  const uplink = await ns.nextUplink(
    (u) => euiOf(u) === gateway.eui.toUpperCase() && u.rxMetadata[0]?.timestamp === rx.tmst,
    { since },
  );
  return { rx, uplink };
}

before(async () => {
  if (peersSkip) return;
  ns = await startNetworkServerDouble();
  stack = await startLorastack({
    // The Network Server is the test's double: the stack's own one does not run.
    args: ["is", "gs", "gcs"],
    env: {
      LORASTACK_CLUSTER_KEYS: clusterKey,
      LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: ns.address,
      LORASTACK_METRICS_TOKEN: metricsToken,
      // lora_pkt_fwd sends PULL_DATA every 10 s: 15 s without traffic is a lost gateway.
      LORASTACK_GS_UDP_CONNECTION_EXPIRES: "15s",
    },
  });
  udpPort = Number(stack.listeners.get("udp")?.split(":").at(-1));
  assert.ok(udpPort > 0, "the Gateway Server listens on UDP");
  const { dataDir } = stack;
  adminKey = await createAdmin(dataDir);
  await createGateway("gw-udp", mainEui);
  await createGateway("gw-wrap", wrapEui);
  await createGateway("gw-quiet", quietEui);
});

after(async () => {
  for (const gateway of forwarders) await gateway.stop().catch(() => {});
  await stack?.stop();
  await ns?.close();
});

describe("Semtech UDP with the real lora_pkt_fwd", { skip: peersSkip }, () => {
  let main: PacketForwarder;

  it("connects with the GCS's global_conf.json: stats show udp, connected_at", async () => {
    main = await forwarderFor("gw-udp");
    const live = await until(() => stats("gw-udp"), { what: "the gateway's connection" });
    assert.equal(live.protocol, "udp");
    assert.ok(live.connected_at);
    assert.deepEqual(live.gateway_remote_address, { ip: "127.0.0.1" });
  });

  let uplink: UplinkMessage;
  let tmst = 0;

  it("hands an injected uplink to the Network Server with the forwarder's metadata", async () => {
    const sent = await uplinkThrough(main);
    uplink = sent.uplink;
    tmst = sent.rx.tmst;
    assert.equal(ns.lastClusterKey, clusterKey);
    const metadata = uplink.rxMetadata[0];
    assert.equal(euiOf(uplink), mainEui);
    assert.equal(metadata?.gatewayIds?.gatewayId, "gw-udp");
    assert.equal(metadata?.timestamp, tmst);
    assert.equal(metadata?.rssi, -40);
    assert.equal(metadata?.channelRssi, -40);
    assert.equal(metadata?.snr, 9.5);
    assert.ok((metadata?.uplinkToken.length ?? 0) > 0);
    assert.equal(uplink.settings?.frequency, 868_100_000n);
    const lora = uplink.settings?.dataRate?.modulation;
    assert.equal(lora?.case, "lora");
    assert.equal(lora?.case === "lora" && lora.value.spreadingFactor, 7);
    assert.equal(lora?.case === "lora" && lora.value.bandwidth, 125_000);
    assert.deepEqual(Buffer.from(uplink.rawPayload).toString("hex"), dataUplink);
    const live = await until(
      async () => ((await stats("gw-udp"))?.uplink_count === "1" ? true : undefined),
      { what: "the uplink in the stats" },
    );
    assert.ok(live);
  });

  it("transmits an RX1 downlink at exactly tmst + 1 s, acknowledged as SUCCESS", async () => {
    const request = classA(uplink, 1, 7);
    const since = ns.acknowledgments.items.length;
    const response = await nsGsClient(
      stack.listeners.get("grpc") as string,
      clusterKey,
    ).scheduleDownlink(request);
    assert.equal(response.rx1, true);
    const tx = await main.nextTransmission({ timeoutMs: 5000 });
    assert.equal(tx.count_us, (tmst + 1_000_000) % 2 ** 32);
    assert.equal(tx.freq_hz, 868_100_000);
    assert.equal(tx.datr, "SF7BW125");
    assert.equal(tx.ipol, true);
    const ack = await ns.nextAcknowledgment(
      (a) => a.txAck?.correlationIds.includes(request.correlationIds[0] as string) === true,
      { since },
    );
    assert.equal(ack.txAck?.result, TxAcknowledgment_Result.SUCCESS);
    assert.equal(ack.gatewayIds?.gatewayId, "gw-udp");
  });

  it("transmits a join-accept at exactly tmst + 5 s (RX1 of a join)", async () => {
    const join = await uplinkThrough(main, { freq: 868.3, datr: "SF12BW125" });
    const since = ns.acknowledgments.items.length;
    await nsGsClient(stack.listeners.get("grpc") as string, clusterKey).scheduleDownlink(
      classA(join.uplink, 5, 12),
    );
    const tx = await main.nextTransmission({ timeoutMs: 8000 });
    assert.equal(tx.count_us, (join.rx.tmst + 5_000_000) % 2 ** 32);
    assert.equal(tx.freq_hz, 868_300_000);
    assert.equal(tx.datr, "SF12BW125");
    const ack = await ns.nextAcknowledgment(() => true, { since });
    assert.equal(ack.txAck?.result, TxAcknowledgment_Result.SUCCESS);
    const live = await until(
      async () => {
        const current = await stats("gw-udp");
        return ((current?.sub_bands ?? []) as Json[]).some((band) => band.downlink_utilization > 0)
          ? current
          : undefined;
      },
      { what: "the downlinks' use of a sub-band's duty cycle in the stats" },
    );
    assert.equal(live.protocol, "udp");
  });

  it("measures round trips from the forwarder's TX_ACKs (connection stats)", async () => {
    // Every downlink so far was answered with a TX_ACK: PULL_RESP → TX_ACK is a round trip.
    let last: Json | undefined;
    const live = await until(
      async () => {
        last = await stats("gw-udp");
        return Number(last?.round_trip_times?.count) >= 1 ? last : undefined;
      },
      { what: "a round trip time in the stats" },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last stats: ${JSON.stringify(last)}`);
    });
    const median = Number.parseFloat(String(live.round_trip_times?.median));
    assert.ok(median >= 0 && median < 1, `a round trip on this machine is short: ${median} s`);
  });

  it("fails a downlink asked after its RX windows passed with too_late (a path error)", async () => {
    const late = await uplinkThrough(main);
    // Until the gateway's counter is past RX2 (tmst + 2 s) and then some.
    await until(
      async () => (((await main.time()) - late.rx.tmst) >>> 0 > 2_050_000 ? true : undefined),
      { what: "RX2 of the uplink to pass" },
    );
    await assert.rejects(
      nsGsClient(stack.listeners.get("grpc") as string, clusterKey).scheduleDownlink(
        classA(late.uplink, 1, 7),
      ),
      (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        const [details] = error.findDetails(ErrorDetailsSchema);
        assert.equal(details?.name, "schedule");
        const paths = details?.attributes?.path_errors as Json[] | undefined;
        assert.equal(paths?.[0]?.name, "too_late", JSON.stringify(paths));
        return true;
      },
    );
  });

  it("reports the forwarder's TX_ACK TOO_LATE as TxAcknowledgment TOO_LATE", async () => {
    // An uplink stamped 310 ms in the past makes the Gateway Server believe the counter is
    // 310 ms behind: a class C downlink "as soon as possible" (330 ms ahead by that belief)
    // then reaches the forwarder about 20 ms ahead, inside its 32.5 ms TOO_LATE margin.
    let result: TxAcknowledgment_Result | undefined;
    for (let attempt = 0; attempt < 4 && result !== TxAcknowledgment_Result.TOO_LATE; attempt++) {
      const now = await main.time();
      await uplinkThrough(main, { tmst: (now - 310_000) >>> 0 });
      const since = ns.acknowledgments.items.length;
      const request = create(DownlinkMessageSchema, {
        rawPayload: Buffer.from("600403020100010001cafe55", "hex"),
        correlationIds: [`ns:downlink:late-${attempt}`],
        settings: {
          case: "request",
          value: {
            class: Class.C,
            downlinkPaths: [
              { path: { case: "fixed", value: { gatewayIds: { gatewayId: "gw-udp" } } } },
            ],
            rx2DataRate: loraRate(9),
            rx2Frequency: 869_525_000n,
            priority: 6,
          },
        },
      });
      await nsGsClient(stack.listeners.get("grpc") as string, clusterKey).scheduleDownlink(request);
      const ack = await ns.nextAcknowledgment(
        (a) => a.txAck?.correlationIds.includes(`ns:downlink:late-${attempt}`) === true,
        { since },
      );
      result = ack.txAck?.result;
    }
    assert.equal(result, TxAcknowledgment_Result.TOO_LATE);
    // A fresh uplink puts the clock right again.
    await uplinkThrough(main);
  });

  it("crosses the 32-bit counter wrap: a join-accept after the wrap at exactly tmst + 5 s", async () => {
    const wrap = await forwarderFor("gw-wrap", 2 ** 32 - 4_000_000);
    const join = await uplinkThrough(wrap, { freq: 868.5, datr: "SF10BW125" });
    assert.ok(join.rx.tmst > 2 ** 32 - 5_000_000, `tmst ${join.rx.tmst} is just before the wrap`);
    await nsGsClient(stack.listeners.get("grpc") as string, clusterKey).scheduleDownlink(
      classA(join.uplink, 5, 10),
    );
    const tx = await wrap.nextTransmission({ timeoutMs: 8000 });
    assert.equal(tx.count_us, (join.rx.tmst + 5_000_000) % 2 ** 32);
    assert.ok(tx.count_us < 5_000_000, "after the wrap");
    await wrap.stop();
  });

  it("ignores an unknown gateway: nothing upstream, counted", async () => {
    const before = await metric("lorastack_gs_drops_total", 'reason="connect_unknown_gateway"');
    const stranger = await startPacketForwarder({ server: { port: udpPort }, eui: unknownEui });
    forwarders.push(stranger);
    await until(
      async () =>
        (await metric("lorastack_gs_drops_total", 'reason="connect_unknown_gateway"')) > before
          ? true
          : undefined,
      { what: "the unknown gateway to be counted" },
    );
    const refused = await metric("lorastack_gs_drops_total", 'reason="udp_refused_gateway"');
    await stranger.uplink({ freq: 868.1, datr: "SF7BW125", hex: dataUplink });
    await until(
      async () =>
        (await metric("lorastack_gs_drops_total", 'reason="udp_refused_gateway"')) > refused
          ? true
          : undefined,
      { what: "its PUSH_DATA to be dropped" },
    );
    assert.ok(!ns.uplinks.items.some((u) => euiOf(u) === unknownEui));
    assert.equal(
      (await call("GET", "/api/v3/gs/gateways/gw-unknown/connection/stats")).status,
      404,
    );
    await stranger.stop();
  });

  it("streams the gateway's live traffic on POST /api/v3/events", async () => {
    const stream = await openStream(stack, adminKey, {
      identifiers: [{ gateway_ids: { gateway_id: "gw-udp" } }],
    });
    assert.equal(stream.status, 200);
    // A missing event fails the test instead of waiting for ever.
    const nextEvent = async () => (await within(stream.next(), 20_000)).result;
    try {
      assert.equal((await nextEvent()).name, "events.stream.start");
      const sent = await uplinkThrough(main);
      let event = await nextEvent();
      while (event.name !== "gs.up.receive") event = await nextEvent();
      assert.equal(
        Buffer.from(event.data?.raw_payload ?? "", "base64").toString("hex"),
        dataUplink,
        "the uplink's payload in the event",
      );
      assert.equal(event.data?.rx_metadata?.[0]?.timestamp, sent.rx.tmst);
    } finally {
      stream.close();
    }
  });

  it("keeps the process up and the gateway working through 100,000 hostile datagrams", async (t) => {
    const template = Buffer.concat([
      Buffer.from([2, 0x12, 0x34, 0]),
      Buffer.from(mainEui, "hex"),
      Buffer.from(
        JSON.stringify({
          rxpk: [
            {
              tmst: 1,
              chan: 0,
              rfch: 1,
              freq: 868.1,
              stat: 1,
              modu: "LORA",
              datr: "SF7BW125",
              codr: "4/5",
              lsnr: 9.5,
              rssi: -40,
              size: 18,
              data: Buffer.from(dataUplink, "hex").toString("base64"),
            },
          ],
        }),
      ),
    ]);
    // Random bytes from another address; mutations of a real PUSH_DATA of the connected
    // gateway from its own address (so they pass the address check and reach the decoder).
    const strangerSocket = createSocket("udp4");
    const neighbourSocket = createSocket("udp4");
    await new Promise<void>((resolve) => strangerSocket.bind(0, "127.0.0.2", resolve));
    await new Promise<void>((resolve) => neighbourSocket.bind(0, "127.0.0.1", resolve));
    const reasons = [
      "bad_version",
      "unknown_type",
      "too_short",
      "too_long",
      "bad_json",
      "downstream_type",
    ];
    const counted = async () => {
      let sum = 0;
      for (const reason of reasons)
        sum += await metric("lorastack_gs_drops_total", `reason="udp_${reason}"`);
      return sum;
    };
    const before = await counted();
    let sent = 0;
    const total = 100_000;
    const started = performance.now();
    while (sent < total) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 500; i++, sent++) {
        let datagram: Buffer;
        let socket = strangerSocket;
        if (sent % 2 === 0) {
          datagram = Buffer.alloc(1 + Math.floor(Math.random() * 300));
          for (let j = 0; j < datagram.length; j++) datagram[j] = Math.floor(Math.random() * 256);
          if (sent % 4 === 0) datagram[0] = 2;
        } else {
          socket = neighbourSocket;
          datagram = Buffer.from(template);
          const flips = 1 + Math.floor(Math.random() * 4);
          for (let f = 0; f < flips; f++)
            datagram[12 + Math.floor(Math.random() * (datagram.length - 12))] = Math.floor(
              Math.random() * 256,
            );
          if (sent % 8 === 1)
            datagram = datagram.subarray(0, Math.floor(Math.random() * datagram.length));
        }
        batch.push(
          new Promise<void>((resolve) =>
            socket.send(datagram, udpPort, "127.0.0.1", () => resolve()),
          ),
        );
      }
      await Promise.all(batch);
      // Let the server drain its receive buffer between batches.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    strangerSocket.close();
    neighbourSocket.close();
    assert.equal(stack.child.exitCode, null, "the process is still running");
    // What is still in the socket's receive buffer is worked off first (slowly on a busy
    // machine): the counts stop moving, then the real gateway's uplink must get through.
    let last = -1;
    for (let count = await counted(); count !== last; count = await counted()) {
      last = count;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await uplinkThrough(main);
    const dropped = (await counted()) - before;
    t.diagnostic(
      `${total} datagrams in ${Math.round(performance.now() - started)} ms; ${dropped} counted as dropped by the header or JSON checks`,
    );
    assert.ok(dropped > 20_000, `garbage counted by reason: ${dropped}`);
    assert.ok(
      (await metric("lorastack_gs_drops_total", 'reason="udp_bad_json"')) > 0,
      "mutated JSON reached the decoder and was dropped",
    );
  });

  it("disconnects a gateway whose keep-alives stop (connection_expires)", async () => {
    const quiet = await forwarderFor("gw-quiet");
    await until(() => stats("gw-quiet"), { what: "gw-quiet to connect" });
    await quiet.stop();
    const ended = await until(
      async () => {
        const last = await stats("gw-quiet");
        return last?.disconnected_at ? last : undefined;
      },
      { what: "the keep-alive expiry", timeoutMs: 30_000 },
    );
    assert.equal(ended.protocol, "udp");
    // The main gateway, whose keep-alives go on, stays.
    assert.equal((await stats("gw-udp"))?.disconnected_at, undefined);
  });
});

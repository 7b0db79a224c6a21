/**
 * The Semtech UDP frontend on a real UDP socket, with the Gateway Server's connections over a
 * fake registry and a recording Network Server: the test's sockets play the forwarder (its up
 * and down sockets, as lora_pkt_fwd has two) and a spoofer on another loopback address.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { Registry } from "prom-client";
import { z } from "zod";
import { InProcessClaims } from "../../../cluster/in-process/claims.ts";
import { EventBus, type StackEvent } from "../../../events/index.ts";
import { FrequencyPlans } from "../../../frequency-plans/index.ts";
import type { GatewayStatus } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import { type Gateway, GatewaySchema } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import { Class, DataRateSchema } from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  DownlinkMessageSchema,
  type GatewayTxAcknowledgment,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import { toListenAddress } from "../../../listeners/index.ts";
import { listenUdp } from "../../../listeners/udp.ts";
import { gatewayServerConfig } from "../../config.ts";
import type { Connection } from "../../connections/connection.ts";
import { Connections } from "../../connections/connections.ts";
import { createConnectionScheduler } from "../../connections/scheduling.ts";
import { errGatewayEuiNotFound } from "../../errors.ts";
import type { GatewayServerCore } from "../../gateway-server.ts";
import { gatewayServerMetrics } from "../../metrics.ts";
import { decodeUplinkToken } from "../../uplink-token.ts";
import { udpFrontend } from "./udp-frontend.ts";

const eui = "AA555A0000000101";
const plans = FrequencyPlans.builtIn();

/** A UDP socket of the test with a queue of what it receives. */
async function peer(address = "127.0.0.1") {
  const socket: Socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const received: Buffer[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (message) => {
    received.push(message);
    for (const waiter of waiters.splice(0)) waiter();
  });
  return {
    socket,
    received,
    /** The next datagram whose type byte is `type`, at or after index `since`. */
    async next(type: number, since = 0, timeoutMs = 3000): Promise<Buffer> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.slice(since).find((message) => message[3] === type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no datagram of type ${type}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    send(datagram: Uint8Array, port: number) {
      return new Promise<void>((resolve) =>
        socket.send(datagram, port, "127.0.0.1", () => resolve()),
      );
    },
  };
}

function header(type: number, token: number, gatewayEui = eui): Buffer {
  return Buffer.concat([
    Buffer.from([2, token >> 8, token & 0xff, type]),
    Buffer.from(gatewayEui, "hex"),
  ]);
}

const pushData = (token: number, json: unknown, gatewayEui = eui) =>
  Buffer.concat([header(0, token, gatewayEui), Buffer.from(JSON.stringify(json))]);
const pullData = (token: number, gatewayEui = eui) => header(2, token, gatewayEui);

/** An rxpk as lora_pkt_fwd 4.0.1 writes it. */
const rxpk = (tmst: number) => ({
  tmst,
  chan: 0,
  rfch: 1,
  freq: 868.1,
  stat: 1,
  modu: "LORA",
  datr: "SF7BW125",
  codr: "4/5",
  lsnr: 7.5,
  rssi: -57,
  size: 17,
  data: "QAQDAgGACgAB3q2+7xEiM0Q=",
});

describe("Semtech UDP frontend", () => {
  const events = new EventBus();
  const seen: StackEvent[] = [];
  events.listen((event) => seen.push(event));
  const uplinks: UplinkMessage[] = [];
  const acks: GatewayTxAcknowledgment[] = [];
  const metrics = new Registry();
  let core: GatewayServerCore;
  let frontend: ReturnType<typeof udpFrontend>;
  let port = 0;
  let up: Awaited<ReturnType<typeof peer>>;
  let down: Awaited<ReturnType<typeof peer>>;
  let spoofer: Awaited<ReturnType<typeof peer>>;
  let lookups = 0;

  before(async () => {
    const settings = z.strictObject(gatewayServerConfig.shape).parse({
      gs: {
        udp: {
          connection_expires: "1500ms",
          downlink_path_expires: "700ms",
          addr_change_block: "1m",
          connection_error_expires: "1m",
        },
      },
    }).gs;
    const gateway = create(GatewaySchema, {
      ids: { gatewayId: "gtw-udp", eui: Buffer.from(eui, "hex") },
      frequencyPlanIds: ["EU_863_870_TTN"],
      enforceDutyCycle: true,
    });
    const gatewayMetrics = gatewayServerMetrics(metrics);
    const monotonicUs = () => performance.now() * 1000;
    const registry = {
      byEui: async (bytes: Uint8Array): Promise<Gateway> => {
        lookups++;
        const hex = Buffer.from(bytes).toString("hex").toUpperCase();
        if (hex !== eui) throw errGatewayEuiNotFound.create({ eui: hex });
        return create(GatewaySchema, gateway);
      },
      byId: async () => create(GatewaySchema, gateway),
      updateAntennas: async () => {},
    };
    const logger = pino({ level: "silent" });
    const connections = new Connections({
      registry,
      claims: new InProcessClaims({ instanceId: "a", address: "a" }),
      environment: {
        events,
        metrics: gatewayMetrics,
        logger,
        upstream: {
          handleUplink: async (uplink) => {
            uplinks.push(uplink);
            return true;
          },
          reportTxAcknowledgment: async (ack) => {
            acks.push(ack);
            return true;
          },
        },
        registry,
        scheduler: (g, f) => createConnectionScheduler(g, f, plans),
        monotonicUs,
        locationDebounceMs: 0,
        now: Date.now,
      },
      claimTtlMs: 30_000,
      fetchIntervalMs: 600_000,
      disconnectedStatsTtlMs: 60_000,
      unknownGatewayLogIntervalMs: 60_000,
    });
    let socket: Socket | undefined;
    core = {
      connections,
      registry,
      settings,
      metrics: gatewayMetrics,
      monotonicUs,
      context: {
        logger,
        config: { udp: { listen: "127.0.0.1:0" } },
        listen: {
          udp: async (name: string, address: string, options: object) => {
            socket = (await listenUdp(name, toListenAddress(name, address), options)).socket;
            return socket;
          },
        },
      } as never,
    };
    frontend = udpFrontend(core);
    await frontend.start();
    port = (socket as Socket).address().port;
    up = await peer();
    down = await peer();
    spoofer = await peer("127.0.0.2");
  });

  after(async () => {
    await frontend.stop();
    await core.connections.stop();
    for (const p of [up, down, spoofer]) p?.socket.close();
  });

  const drops = async () =>
    (await metrics.getSingleMetricAsString("lorastack_gs_drops_total")) ?? "";

  it("ignores an unknown gateway: no acknowledgment, counted, looked up once", async () => {
    const before = lookups;
    await up.send(pushData(1, { rxpk: [rxpk(1)] }, "0102030405060708"), port);
    await up.send(pullData(2, "0102030405060708"), port);
    await assert.rejects(up.next(1, 0, 300));
    await up.send(pullData(3, "0102030405060708"), port);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(uplinks.length, 0);
    assert.equal(lookups - before, 1, "refusals are remembered for connection_error_expires");
    assert.match(await drops(), /reason="connect_unknown_gateway"} 1/);
    assert.match(await drops(), /reason="udp_refused_gateway"} \d/);
  });

  let connection: Connection;

  it("connects on PULL_DATA, answers PULL_ACK and PUSH_ACK, and forwards rxpk and stat", async () => {
    await down.send(pullData(0x1234), port);
    const pullAck = await down.next(4);
    assert.deepEqual([...pullAck], [2, 0x12, 0x34, 4]);
    const found = core.connections.get("gtw-udp");
    assert.ok(found);
    connection = found;
    assert.equal(connection.protocol, "udp");
    await up.send(
      pushData(0x5678, {
        rxpk: [
          rxpk(4_000_000),
          { ...rxpk(4_000_600), freq: 868.3, datr: "SF12BW125", rssi: -101, lsnr: -4.5 },
        ],
        stat: {
          time: "2026-12-05 05:19:03 GMT",
          lati: 52.1,
          long: 5.1,
          alti: 12,
          rxnb: 2,
          rxok: 2,
          rxfw: 2,
          ackr: 100,
          dwnb: 0,
          txnb: 0,
        },
      }),
      port,
    );
    const pushAck = await up.next(1);
    assert.deepEqual([...pushAck], [2, 0x56, 0x78, 1]);
    const started = Date.now();
    while (uplinks.length < 2 && Date.now() - started < 2000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(uplinks.length, 2);
    const [first, second] = uplinks;
    const metadata = first?.rxMetadata[0];
    assert.equal(metadata?.timestamp, 4_000_000);
    assert.equal(metadata?.rssi, -57);
    assert.equal(metadata?.channelRssi, -57);
    assert.equal(metadata?.snr, 7.5);
    assert.equal(metadata?.gatewayIds?.gatewayId, "gtw-udp");
    assert.equal(first?.settings?.frequency, 868_100_000n);
    const lora = first?.settings?.dataRate?.modulation;
    assert.equal(lora?.case === "lora" && lora.value.spreadingFactor, 7);
    assert.equal(lora?.case === "lora" && lora.value.codingRate, "4/5");
    assert.equal(second?.rxMetadata[0]?.snr, -4.5);
    assert.equal(
      decodeUplinkToken(metadata?.uplinkToken ?? new Uint8Array())?.timestamp,
      4_000_000,
    );
    const status = seen.find((event) => event.name === "gs.status.receive")?.data as GatewayStatus;
    assert.equal(status.metrics.rxin, 2);
    assert.equal(status.antennaLocations[0]?.latitude, 52.1);
    assert.equal(status.time?.seconds, BigInt(Date.UTC(2026, 11, 5, 5, 19, 3) / 1000));
  });

  it("refuses a spoofed PULL_DATA from another address for addr_change_block", async () => {
    await spoofer.send(pullData(0x0bad), port);
    await assert.rejects(spoofer.next(4, 0, 300));
    assert.match(await drops(), /reason="udp_address_changed"} 1/);
  });

  it("sends a downlink as PULL_RESP to the PULL_DATA's address and maps the TX_ACKs", async () => {
    const uplink = uplinks[0] as UplinkMessage;
    const token = decodeUplinkToken(uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array());
    const dataRate = create(DataRateSchema, {
      modulation: {
        case: "lora",
        value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
      },
    });
    const request = () =>
      create(DownlinkMessageSchema, {
        rawPayload: Uint8Array.from([
          0x60, 1, 2, 3, 4, 0, 1, 0, 1, 0xca, 0xfe, 0x55, 0x66, 0x77, 0x88,
        ]),
        correlationIds: ["ns:downlink:udp"],
        settings: {
          case: "request",
          value: {
            class: Class.A,
            rx1Delay: 1,
            rx1DataRate: dataRate,
            rx1Frequency: 868_100_000n,
            rx2DataRate: dataRate,
            rx2Frequency: 869_525_000n,
            priority: 6,
          },
        },
      });
    const path = {
      $typeName: "ttn.lorawan.v3.DownlinkPath",
      path: { case: "uplinkToken", value: new Uint8Array() },
    } as never;
    const since = down.received.length;
    await connection.scheduleDownlink(request(), path, token);
    const pullResp = await down.next(3, since);
    const json = JSON.parse(pullResp.subarray(4).toString()) as { txpk: Record<string, unknown> };
    assert.equal(json.txpk.tmst, 5_000_000);
    assert.equal(json.txpk.freq, 868.1);
    assert.equal(json.txpk.powe, 16);
    assert.equal(json.txpk.ipol, true);
    assert.equal(json.txpk.ncrc, true);
    assert.equal(spoofer.received.length, 0);
    // A bare TX_ACK is success.
    await down.send(header(5, pullResp.readUInt16BE(1)), port);
    const started = Date.now();
    while (acks.length < 1 && Date.now() - started < 2000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(acks[0]?.txAck?.result, TxAcknowledgment_Result.SUCCESS);
    assert.ok(acks[0]?.txAck?.correlationIds.includes("ns:downlink:udp"));
    assert.equal(connection.stats.toMessage(Date.now()).roundTripTimes?.count, 1);
    // The RX2 window of the same uplink, refused by the gateway: TOO_LATE.
    const again = down.received.length;
    await connection.scheduleDownlink(request(), path, token);
    const second = await down.next(3, again);
    await down.send(
      Buffer.concat([
        header(5, second.readUInt16BE(1)),
        Buffer.from('{"txpk_ack":{"error":"TOO_LATE"}}'),
      ]),
      port,
    );
    while (acks.length < 2 && Date.now() - started < 2000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(acks[1]?.txAck?.result, TxAcknowledgment_Result.TOO_LATE);
    // An unknown token is counted, not reported.
    await down.send(header(5, (second.readUInt16BE(1) + 100) & 0xffff), port);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(acks.length, 2);
    assert.match(await drops(), /reason="udp_tx_ack_unknown_token"} 1/);
  });

  it("counts garbage by reason without disturbing the gateway", async () => {
    await up.send(Buffer.from([9, 9, 9]), port);
    await up.send(Buffer.from([2, 0, 0, 0]), port);
    await up.send(Buffer.concat([header(0, 7), Buffer.from("{not json")]), port);
    await up.send(pushData(8, { rxpk: [{ ...rxpk(1), freq: "x" }] }), port);
    await up.next(1, up.received.length - 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await drops();
    assert.match(text, /reason="udp_too_short"} \d/);
    assert.match(text, /reason="udp_bad_json"} 1/);
    assert.match(text, /reason="udp_rxpk_bad_field"} 1/);
    assert.equal(connection.isOpen, true);
  });

  it("fails a downlink once the downlink path expired (no PULL_DATA for downlink_path_expires)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    // PUSH_DATA keeps the connection, not the downlink path.
    await up.send(pushData(9, { rxpk: [rxpk(6_000_000)] }), port);
    const started = Date.now();
    while (uplinks.length < 3 && Date.now() - started < 2000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const token = decodeUplinkToken(uplinks.at(-1)?.rxMetadata[0]?.uplinkToken ?? new Uint8Array());
    const dataRate = create(DataRateSchema, {
      modulation: {
        case: "lora",
        value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
      },
    });
    await assert.rejects(
      connection.scheduleDownlink(
        create(DownlinkMessageSchema, {
          rawPayload: Uint8Array.from([0x60, 1, 2, 3]),
          settings: {
            case: "request",
            value: {
              class: Class.A,
              rx1Delay: 1,
              rx1DataRate: dataRate,
              rx1Frequency: 868_300_000n,
              priority: 6,
            },
          },
        }),
        { $typeName: "ttn.lorawan.v3.DownlinkPath", path: { case: undefined } } as never,
        token,
      ),
      (error: unknown) =>
        (error as { cause?: { definition?: { name?: string } } }).cause?.definition?.name ===
        "no_downlink_path",
    );
  });

  it("disconnects a gateway quiet for connection_expires", async () => {
    const reason = await connection.closed;
    assert.equal(reason?.definition.name, "connection_expired");
    assert.equal(core.connections.get("gtw-udp"), undefined);
    assert.ok(seen.some((event) => event.name === "gs.gateway.disconnect"));
  });
});

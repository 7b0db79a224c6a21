/**
 * The Basics Station frontend on real sockets in this process: a websocket client in the test
 * plays station (discovery, traffic, frames), the Gateway Server's `Connections` run with a
 * fake registry and a recording Network Server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clone, create } from "@bufbuild/protobuf";
import pino from "pino";
import { Registry } from "prom-client";
import WebSocket from "ws";
import { z } from "zod";
import { InProcessClaims } from "../../../cluster/in-process/claims.ts";
import { EventBus } from "../../../events/index.ts";
import { FrequencyPlans } from "../../../frequency-plans/frequency-plans.ts";
import { parseJson } from "../../../gateway-protocols/basic-station/index.ts";
import { type Gateway, GatewaySchema } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  Class,
  DataRateSchema,
  DownlinkPathSchema,
} from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  DownlinkMessageSchema,
  type GatewayTxAcknowledgment,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import { ListenerRegistry, ScopedListeners } from "../../../listeners/index.ts";
import { gatewayServerConfig } from "../../config.ts";
import type { Connection, ConnectionEnvironment } from "../../connections/connection.ts";
import { Connections } from "../../connections/connections.ts";
import type { GatewayRegistry } from "../../connections/gateway-registry.ts";
import { createConnectionScheduler } from "../../connections/scheduling.ts";
import { errGatewayEuiNotFound } from "../../errors.ts";
import { gatewayServerMetrics } from "../../metrics.ts";
import { decodeUplinkToken } from "../../uplink-token.ts";
import { createBasicStationFrontend } from "./frontend.ts";

const logger = pino({ level: process.env.TEST_LOG ?? "silent" });
const secret = "NNSXS.STATION.SECRET";
const euiOpen = "0016C001FFFE0001";
const euiSecret = "0016C001FFFE0002";
const euiRequired = "0016C001FFFE0003";
const euiOther = "0016C001FFFE0004";

function registered(
  eui: string,
  id: string,
  fields: { lbsLnsSecret?: { value: Uint8Array }; requireAuthenticatedConnection?: boolean } = {},
): Gateway {
  return create(GatewaySchema, {
    frequencyPlanIds: ["EU_863_870_TTN"],
    enforceDutyCycle: true,
    ...fields,
    ids: { gatewayId: id, eui: Buffer.from(eui, "hex") },
  });
}

const gateways = new Map<string, Gateway>([
  [euiOpen, registered(euiOpen, "gw-open")],
  [euiSecret, registered(euiSecret, "gw-secret", { lbsLnsSecret: { value: Buffer.from(secret) } })],
  [euiRequired, registered(euiRequired, "gw-required", { requireAuthenticatedConnection: true })],
  [euiOther, registered(euiOther, "gw-other", { lbsLnsSecret: { value: Buffer.from(secret) } })],
]);

/** Reads of a registration with its secrets. */
let secretReads = 0;

const registry: GatewayRegistry = {
  async byEui(eui, options = {}) {
    if (options.secrets) secretReads++;
    const hex = Buffer.from(eui).toString("hex").toUpperCase();
    const gateway = gateways.get(hex);
    if (!gateway) throw errGatewayEuiNotFound.create({ eui: hex });
    const copy = clone(GatewaySchema, gateway);
    if (!options.secrets) copy.lbsLnsSecret = undefined;
    return copy;
  },
  async byId(gatewayId) {
    for (const gateway of gateways.values())
      if (gateway.ids?.gatewayId === gatewayId) return clone(GatewaySchema, gateway);
    throw errGatewayEuiNotFound.create({ eui: gatewayId });
  },
  async updateAntennas() {},
};

/** A station played by the test: its frames in order, and its socket's close. */
class TestStation {
  readonly ws: WebSocket;
  readonly #frames: string[] = [];
  #waiting: ((frame: string) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on("error", () => {});
    this.opened = new Promise((resolve) => this.ws.once("open", () => resolve()));
    this.closed = new Promise((resolve) =>
      this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on("message", (data) => {
      const frame = String(data);
      const waiter = this.#waiting;
      this.#waiting = undefined;
      if (waiter) waiter(frame);
      else this.#frames.push(frame);
    });
  }

  /** The next frame from the server, parsed losslessly (int64 as bigint). */
  async next(): Promise<Record<string, unknown>> {
    const frame =
      this.#frames.shift() ?? (await new Promise<string>((resolve) => (this.#waiting = resolve)));
    return parseJson(frame) as Record<string, unknown>;
  }

  send(text: string): void {
    this.ws.send(text);
  }
}

const version = JSON.stringify({
  msgtype: "version",
  station: "2.0.6(linux/testsim)",
  firmware: null,
  package: null,
  model: "linux",
  protocol: 2,
  features: "rmtsh",
});

// xtime with session 0x65 (above 2^53: JSON.parse would round it).
const uplinkXtime = 28428972916514443n;
const updf = (xtime: bigint, refTime = 0) =>
  `{"msgtype":"updf","MHdr":64,"DevAddr":16909060,"FCtrl":128,"FCnt":10,"FOpts":"","FPort":1,"FRMPayload":"DEADBEEF","MIC":1144201745,"RefTime":${refTime},"DR":5,"Freq":868300000,"upinfo":{"rctx":0,"xtime":${xtime},"gpstime":0,"fts":-1,"rssi":-57,"snr":7.25,"rxtime":1796447918.084968}}`;

describe("Basics Station frontend", () => {
  const uplinks: UplinkMessage[] = [];
  const acks: GatewayTxAcknowledgment[] = [];
  const arrivals: (() => void)[] = [];
  const arrived = () => new Promise<void>((resolve) => arrivals.push(resolve));
  const metricsRegistry = new Registry();
  const metrics = gatewayServerMetrics(metricsRegistry);
  const listenerRegistry = new ListenerRegistry({ logger, closeTimeoutMs: 1000 });
  const pingingListeners = new ListenerRegistry({ logger, closeTimeoutMs: 1000 });
  const openListeners = new ListenerRegistry({ logger, closeTimeoutMs: 1000 });
  let connections: Connections;
  let base = "";
  const live = new Map<string, Connection>();
  const plans = FrequencyPlans.builtIn();
  const monotonicUs = () => performance.now() * 1000;
  const connectWaiters: ((connection: Connection) => void)[] = [];
  /** The next connection the frontend makes (register before the station connects). */
  const nextConnection = () => new Promise<Connection>((resolve) => connectWaiters.push(resolve));

  const drops = async (reason: string) =>
    (await metricsRegistry.getSingleMetric("lorastack_gs_drops_total")?.get())?.values.find(
      (value) => value.labels.reason === reason,
    )?.value ?? 0;

  before(async () => {
    const environment: ConnectionEnvironment = {
      events: new EventBus(),
      metrics,
      logger,
      upstream: {
        async handleUplink(uplink) {
          uplinks.push(uplink);
          for (const resolve of arrivals.splice(0)) resolve();
          return true;
        },
        async reportTxAcknowledgment(ack) {
          acks.push(ack);
          for (const resolve of arrivals.splice(0)) resolve();
          return true;
        },
      },
      registry,
      scheduler: (gateway, frontend) => createConnectionScheduler(gateway, frontend, plans),
      monotonicUs,
      locationDebounceMs: 0,
      now: Date.now,
    };
    connections = new Connections({
      registry,
      claims: new InProcessClaims({ instanceId: "a", address: "a" }),
      environment,
      claimTtlMs: 30_000,
      fetchIntervalMs: 600_000,
      disconnectedStatsTtlMs: 60_000,
      unknownGatewayLogIntervalMs: 60_000,
    });
    environment.events.listen((event) => {
      if (event.name === "gs.gateway.connect") {
        const id = event.identifiers[0]?.id ?? "";
        const connection = connections.get(id);
        if (connection) {
          live.set(id, connection);
          for (const resolve of connectWaiters.splice(0)) resolve(connection);
        }
      }
    });
    base = await startFrontend(listenerRegistry, "30s");
  });

  /** A frontend on its own listener (registry), with this ping interval. */
  async function startFrontend(
    listeners: ListenerRegistry,
    pingInterval: string,
    allowUnauthenticated = false,
    timeSyncInterval = "0s",
  ) {
    const settings = z.strictObject(gatewayServerConfig.shape).parse({
      gs: {
        basic_station: {
          ws_ping_interval: pingInterval,
          allow_unauthenticated: allowUnauthenticated,
          time_sync_interval: timeSyncInterval,
        },
      },
    }).gs;
    const frontend = createBasicStationFrontend({
      connections,
      settings: { ...settings.basic_station, listen: "127.0.0.1:0", listen_tls: "" },
      registry,
      frequencyPlans: plans,
      monotonicUs,
      listen: new ScopedListeners(listeners, "gs", logger),
      tls: undefined,
      logger,
      drops: metrics.drops,
      logIntervalMs: 60_000,
    });
    await frontend.start();
    const bound = listeners.bound.find((entry) => entry.name === "basic_station");
    assert.ok(bound);
    return `ws://${bound.address}`;
  }

  after(async () => {
    await connections.stop();
    await listenerRegistry.closeOwned("gs");
    await pingingListeners.closeOwned("gs");
    await openListeners.closeOwned("gs");
  });

  /** A station connected to its traffic endpoint, its router_config received. */
  async function connect(eui: string, headers: Record<string, string> = {}) {
    const station = new TestStation(`${base}/traffic/eui-${eui}`, { headers });
    await station.opened;
    station.send(version);
    const config = await station.next();
    assert.equal(config.msgtype, "router_config");
    return { station, config };
  }

  describe("router-info", () => {
    async function discover(router: unknown) {
      const station = new TestStation(`${base}/router-info`);
      await station.opened;
      station.send(JSON.stringify({ router }));
      const answer = await station.next();
      await station.closed;
      return answer;
    }

    it("answers the traffic URI on the host station used, for id6 and EUI forms", async () => {
      const host = new URL(base).host;
      for (const router of ["16:c001:fffe:1", "00-16-C0-01-FF-FE-00-01", "0016c001fffe0001"]) {
        assert.deepEqual(await discover(router), {
          router: "16:c001:fffe:1",
          muxs: "muxs-::0",
          uri: `ws://${host}/traffic/eui-${euiOpen}`,
        });
      }
    });

    it("answers an error for an unknown gateway and for garbage", async () => {
      const unknown = await discover("1:2:3:4");
      assert.equal(unknown.router, "1:2:3:4");
      assert.match(String(unknown.error), /not registered/);
      assert.ok(!("uri" in unknown));
      const before = await drops("basic_station_router_info");
      assert.match(String((await discover({ no: "eui" })).error), /station id/);
      assert.equal(await drops("basic_station_router_info"), before + 1);
    });
  });

  describe("authentication", () => {
    it("refuses a station without credentials (allow_unauthenticated off)", async () => {
      const station = new TestStation(`${base}/traffic/eui-${euiOpen}`);
      const { code, reason } = await station.closed;
      assert.equal(code, 1008);
      assert.match(reason, /^no_auth_provided:/);
    });

    it("refuses a wrong secret, and a secret for a gateway that has none", async () => {
      for (const [eui, header] of [
        [euiSecret, "Bearer NNSXS.WRONG"],
        [euiSecret, `${secret}x`],
        [euiOpen, `Bearer ${secret}`],
      ] as const) {
        const station = new TestStation(`${base}/traffic/eui-${eui}`, {
          headers: { authorization: header },
        });
        const { code, reason } = await station.closed;
        assert.equal(code, 1008);
        assert.match(reason, /^unauthenticated:/);
      }
    });

    it("refuses an unknown gateway (no read with secrets) and a path without EUI", async () => {
      const reads = secretReads;
      const unknown = new TestStation(`${base}/traffic/eui-0102030405060708`, {
        headers: { authorization: secret },
      });
      assert.match((await unknown.closed).reason, /^gateway_eui_not_found:/);
      assert.equal(secretReads, reads);
      const bad = new TestStation(`${base}/traffic/eui-nothex`);
      assert.match((await bad.closed).reason, /^invalid_gateway_id:/);
    });

    it("accepts the secret as it is and as a bearer token", async () => {
      for (const header of [secret, `Bearer ${secret}`]) {
        const { station } = await connect(euiSecret, { authorization: header });
        const connection = live.get("gw-secret");
        assert.equal(connection?.authenticated, true);
        assert.equal(connection?.protocol, "semtechws/lbslns");
        station.ws.close();
        await station.closed;
        await connection?.closed;
      }
    });
  });

  describe("traffic", () => {
    let station: TestStation;
    let connection: Connection;

    before(async () => {
      const connected = await connect(euiSecret, { authorization: secret });
      station = connected.station;
      connection = live.get("gw-secret") as Connection;
      const config = connected.config;
      assert.equal(config.region, "EU868");
      assert.equal(config.hwspec, "sx1301/1");
      assert.deepEqual((config.DRs as unknown[])[5], [7, 125, 0]);
      // The Gateway Server enforces the duty cycle for this gateway: station need not.
      assert.equal(config.nodc, true);
      assert.equal(typeof config.MuxTime, "number");
    });

    it("keeps the versions as the gateway's status", () => {
      const status = connection.stats.lastStatus;
      assert.equal(status?.versions.station, "2.0.6(linux/testsim)");
      assert.equal(status?.versions.model, "linux");
      assert.equal(status?.versions.protocol, "2");
      assert.equal(status?.versions.features, "rmtsh");
      assert.equal(status?.versions.platform, "linux - Firmware  - Protocol 2");
    });

    let uplink: UplinkMessage;

    it("hands an updf to the Network Server with the exact PHYPayload and metadata", async () => {
      const wait = arrived();
      station.send(updf(uplinkXtime, Date.now() / 1000 - 0.02));
      await wait;
      uplink = uplinks.at(-1) as UplinkMessage;
      assert.equal(
        Buffer.from(uplink.rawPayload).toString("hex"),
        "400403020180" + "0a00" + "01" + "deadbeef" + "11223344",
      );
      assert.equal(uplink.settings?.frequency, 868_300_000n);
      assert.deepEqual(uplink.settings?.dataRate?.modulation, {
        case: "lora",
        value: create(DataRateSchema, {
          modulation: {
            case: "lora",
            value: { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" },
          },
        }).modulation.value,
      });
      const metadata = uplink.rxMetadata[0];
      assert.equal(metadata?.timestamp, Number(uplinkXtime & 0xffffffffn));
      assert.equal(metadata?.rssi, -57);
      assert.equal(metadata?.channelRssi, -57);
      assert.equal(metadata?.snr, 7.25);
      assert.equal(metadata?.antennaIndex, 0);
      assert.equal(metadata?.gatewayIds?.gatewayId, "gw-secret");
      assert.equal(metadata?.gpsTime, undefined);
      assert.ok(metadata?.receivedAt);
      const token = decodeUplinkToken(metadata?.uplinkToken ?? new Uint8Array());
      assert.equal(token?.timestamp, Number(uplinkXtime & 0xffffffffn));
      // RefTime gave a round trip.
      assert.ok((connection.stats.toMessage(Date.now()).roundTripTimes?.count ?? 0) >= 1);
    });

    it("sends a class A downlink at the uplink's xtime + 1 s, losslessly, and acknowledges its dntxed", async () => {
      const dataRate = create(DataRateSchema, {
        modulation: {
          case: "lora",
          value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
        },
      });
      const request = create(DownlinkMessageSchema, {
        rawPayload: Uint8Array.from([0x60, 4, 3, 2, 1, 0, 1, 0]),
        correlationIds: ["ns:downlink:unit"],
        settings: {
          case: "request",
          value: {
            class: Class.A,
            rx1Delay: 1,
            rx1DataRate: dataRate,
            rx1Frequency: 868_300_000n,
            rx2DataRate: dataRate,
            rx2Frequency: 869_525_000n,
          },
        },
      });
      const token = decodeUplinkToken(uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array());
      const response = await connection.scheduleDownlink(
        request,
        create(DownlinkPathSchema, {
          path: {
            case: "uplinkToken",
            value: uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array(),
          },
        }),
        token,
      );
      assert.equal(response.rx1, true);
      const dnmsg = await station.next();
      assert.equal(dnmsg.msgtype, "dnmsg");
      assert.equal(Number(dnmsg.dC), 0);
      assert.equal(Number(dnmsg.RxDelay), 1);
      // Station transmits at xtime + RxDelay·10^6: exactly the uplink's xtime + 1 s.
      assert.equal(dnmsg.xtime, uplinkXtime);
      assert.equal(Number(dnmsg.RX1DR), 5);
      assert.equal(Number(dnmsg.RX1Freq), 868_300_000);
      assert.equal(dnmsg.pdu, "6004030201000100");
      assert.ok(!("RX2DR" in dnmsg));
      const wait = arrived();
      station.send(
        `{"msgtype":"dntxed","seqno":${dnmsg.diid},"diid":${dnmsg.diid},"DR":5,"Freq":868300000,"DevEui":"00-00-00-00-00-00-00-01","rctx":0,"xtime":${uplinkXtime + 1_000_000n},"txtime":1506.8,"gpstime":0}`,
      );
      await wait;
      const ack = acks.at(-1)?.txAck;
      assert.equal(ack?.result, TxAcknowledgment_Result.SUCCESS);
      assert.ok(ack?.correlationIds.includes("ns:downlink:unit"));
      assert.equal(acks.at(-1)?.gatewayIds?.gatewayId, "gw-secret");
    });

    it("reports the channel station used when its dntxed names another one", async () => {
      const xtime = uplinkXtime + 2_000_000n;
      const wait = arrived();
      station.send(updf(xtime));
      await wait;
      const token = uplinks.at(-1)?.rxMetadata[0]?.uplinkToken ?? new Uint8Array();
      const dataRate = create(DataRateSchema, {
        modulation: { case: "lora", value: { bandwidth: 125_000, spreadingFactor: 7 } },
      });
      await connection.scheduleDownlink(
        create(DownlinkMessageSchema, {
          rawPayload: Uint8Array.from([0x60, 4, 3, 2, 1, 0, 2, 0]),
          correlationIds: ["ns:downlink:rx2"],
          settings: {
            case: "request",
            value: {
              class: Class.A,
              rx1Delay: 1,
              rx1DataRate: dataRate,
              rx1Frequency: 868_300_000n,
              rx2DataRate: create(DataRateSchema, {
                modulation: { case: "lora", value: { bandwidth: 125_000, spreadingFactor: 12 } },
              }),
              rx2Frequency: 869_525_000n,
            },
          },
        }),
        create(DownlinkPathSchema, { path: { case: "uplinkToken", value: token } }),
        decodeUplinkToken(token),
      );
      const dnmsg = await station.next();
      const acked = arrived();
      station.send(
        `{"msgtype":"dntxed","diid":${dnmsg.diid},"DR":0,"Freq":869525000,"DevEui":"00-00-00-00-00-00-00-01","rctx":0,"xtime":${xtime + 2_000_000n},"txtime":1.5,"gpstime":0}`,
      );
      await acked;
      const ack = acks.at(-1)?.txAck;
      assert.ok(ack?.correlationIds.includes("ns:downlink:rx2"));
      assert.equal(ack?.result, TxAcknowledgment_Result.SUCCESS);
      const settings = ack?.downlinkMessage?.settings;
      assert.equal(settings?.case, "scheduled");
      if (settings?.case !== "scheduled") return;
      assert.equal(settings.value.frequency, 869_525_000n);
      const used = settings.value.dataRate?.modulation;
      assert.equal(used?.case === "lora" ? used.value.spreadingFactor : 0, 12);
    });

    it("answers timesync with the echoed txtime and the GPS time", async () => {
      station.send('{"msgtype":"timesync","txtime":1234567.5}');
      const reply = await station.next();
      assert.equal(reply.msgtype, "timesync");
      assert.equal(reply.txtime, 1234567.5);
      const gpsNowUs = BigInt(Date.now() - 315_964_800_000 + 18_000) * 1000n;
      const gps = reply.gpstime as bigint;
      assert.ok(gps > gpsNowUs - 60_000_000n && gps <= gpsNowUs + 1_000_000n);
    });

    it("drops hostile frames by reason, and the station and another one carry on", async () => {
      const hostile = (await connect(euiOther, { authorization: secret })).station;
      const before = {
        json: await drops("basic_station_not_json"),
        field: await drops("basic_station_bad_field"),
        binary: await drops("basic_station_binary_frame"),
        unknown: await drops("basic_station_unknown_msgtype"),
        dntxed: await drops("basic_station_dntxed_unknown"),
      };
      const garbage = [
        "{",
        "null",
        "[]",
        '{"msgtype":"updf"}',
        '{"msgtype":"updf","MHdr":"x"}',
        '{"msgtype":"dntxed","diid":999999}',
        '{"msgtype":"nonsense"}',
        '{"msgtype":"jreq","MHdr":0,"JoinEui":1,"DevEui":2,"DevNonce":70000}',
        `{"msgtype":"updf","MHdr":64,"DevAddr":1,"FCtrl":0,"FCnt":1,"FPort":1,"FRMPayload":"00","MIC":1,"DR":99,"Freq":1,"upinfo":{"xtime":1,"rssi":0,"snr":0}}`,
      ];
      for (const frame of garbage) hostile.send(frame);
      hostile.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      for (let index = 0; index < 500; index++) {
        const bytes = Buffer.from(
          Array.from({ length: 64 }, () => Math.floor(Math.random() * 256)),
        );
        hostile.send(
          index % 2 === 0 ? bytes.toString("latin1") : `{"msgtype":"updf",${bytes.toString("hex")}`,
        );
      }
      // The other station is not disturbed, and the hostile one still works.
      for (const sender of [station, hostile]) {
        const wait = arrived();
        sender.send(updf(uplinkXtime + 5_000_000n));
        await wait;
        assert.equal(
          uplinks.at(-1)?.rxMetadata[0]?.timestamp,
          Number((uplinkXtime + 5_000_000n) & 0xffffffffn),
        );
      }
      assert.ok((await drops("basic_station_not_json")) >= before.json + 3);
      assert.ok((await drops("basic_station_bad_field")) >= before.field + 4);
      assert.equal(await drops("basic_station_binary_frame"), before.binary + 1);
      assert.equal(await drops("basic_station_unknown_msgtype"), before.unknown + 1);
      assert.equal(await drops("basic_station_dntxed_unknown"), before.dntxed + 1);

      // A frame beyond the size limit closes that station's socket, and only that one.
      const tooLarge = await drops("basic_station_frame_too_large");
      hostile.send("x".repeat(70 * 1024));
      assert.equal((await hostile.closed).code, 1009);
      assert.equal(await drops("basic_station_frame_too_large"), tooLarge + 1);
      const wait = arrived();
      station.send(updf(uplinkXtime + 6_000_000n));
      await wait;
    });

    it("closes the older socket when the gateway connects again", async () => {
      const replacement = await connect(euiSecret, { authorization: secret });
      const replaced = await station.closed;
      assert.equal(replaced.code, 1000);
      assert.match(replaced.reason, /^connection_replaced:/);
      replacement.station.ws.close();
      await replacement.station.closed;
    });

    it("refuses a gateway that requires authentication without credentials", async () => {
      const station = new TestStation(`${base}/traffic/eui-${euiRequired}`);
      assert.match((await station.closed).reason, /^no_auth_provided:/);
    });
  });

  describe("allow_unauthenticated", () => {
    it("connects a station without credentials, unless its gateway requires them; time transfers", async () => {
      const open = await startFrontend(openListeners, "30s", true, "20ms");
      const connected = nextConnection();
      const station = new TestStation(`${open}/traffic/eui-${euiOpen}`);
      await station.opened;
      station.send(version);
      assert.equal((await station.next()).msgtype, "router_config");
      const connection = await connected;
      assert.equal(connection.gatewayId, "gw-open");
      assert.equal(connection.authenticated, false);
      // Time transfers (time_sync_interval) carry the MuxTime, as TTS's without GPS reference.
      const transfer = await station.next();
      assert.equal(transfer.msgtype, "timesync");
      assert.equal(typeof transfer.MuxTime, "number");
      assert.deepEqual(Object.keys(transfer), ["msgtype", "MuxTime"]);
      station.ws.close();
      await connection.closed;
      const required = new TestStation(`${open}/traffic/eui-${euiRequired}`);
      assert.match((await required.closed).reason, /^unauthenticated:/);
    });
  });

  describe("keep-alive", () => {
    it("disconnects a station that stopped answering pings", async () => {
      const pinging = await startFrontend(pingingListeners, "50ms");
      const connected = nextConnection();
      const station = new TestStation(`${pinging}/traffic/eui-${euiSecret}`, {
        headers: { authorization: secret },
        autoPong: false,
      });
      // One pong (the station once answered), then silence.
      station.ws.once("ping", () => station.ws.pong());
      const connection = await connected;
      const reason = await connection.closed;
      assert.equal(reason?.definition.name, "missed_too_many_pongs");
      await station.closed;
    });
  });
});

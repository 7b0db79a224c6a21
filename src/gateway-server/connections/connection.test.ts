/**
 * A connection with the real scheduler: clock samples from uplinks (tmst and xtime), the
 * scheduled TxSettings handed to the sink, refusals as TTS's errors, TX acknowledgments that
 * free a booking, schedule-late sends, and the scheduler's numbers in the stats. The server's
 * monotonic clock is a variable of the test.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import pino from "pino";
import { Registry } from "prom-client";
import type { DefinedError } from "../../errors/index.ts";
import { EventBus } from "../../events/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import {
  GatewayConnectionStatsSchema,
  GatewaySchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  Class,
  DataRateSchema,
  type DownlinkPath,
  DownlinkPathSchema,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  TxAcknowledgment_Result,
  TxAcknowledgmentSchema,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { gatewayServerMetrics } from "../metrics.ts";
import { decodeUplinkToken, type UplinkTokenFields } from "../uplink-token.ts";
import { Connection, type ConnectionEnvironment } from "./connection.ts";
import type { FrontendConnection, SentDownlink } from "./frontend.ts";
import { createConnectionScheduler } from "./scheduling.ts";

const plans = FrequencyPlans.builtIn();

function setup(
  gatewaySettings: { scheduleDownlinkLate?: boolean; frequencyPlanIds?: string[] } = {},
  frontendSettings = {},
  serverLagUs?: ConnectionEnvironment["serverLagUs"],
) {
  let nowUs = 1_000_000_000;
  const gateway = create(GatewaySchema, {
    ids: { gatewayId: "gtw", eui: new Uint8Array(8) },
    frequencyPlanIds: ["EU_863_870_TTN"],
    enforceDutyCycle: true,
    ...gatewaySettings,
  });
  const sent: { downlink: DownlinkMessage; info: SentDownlink; atUs: number }[] = [];
  const frontend: FrontendConnection = {
    protocol: "udp",
    authenticated: false,
    protocolLeadUs: 45_000,
    ...frontendSettings,
    sink: {
      send: async (downlink, info) => void sent.push({ downlink, info, atUs: nowUs }),
      close: () => {},
    },
  };
  const env: ConnectionEnvironment = {
    events: new EventBus(),
    metrics: gatewayServerMetrics(new Registry()),
    logger: pino({ level: "silent" }),
    upstream: { handleUplink: async () => true, reportTxAcknowledgment: async () => true },
    registry: {} as never,
    scheduler: (g, f) => createConnectionScheduler(g, f, plans),
    monotonicUs: () => nowUs,
    ...(serverLagUs ? { serverLagUs } : {}),
    locationDebounceMs: 0,
    now: () => nowUs / 1000,
  };
  const connection = new Connection(gateway, frontend, env);
  return {
    connection,
    sent,
    advance: (us: number) => {
      nowUs += us;
    },
    nowMs: () => nowUs / 1000,
  };
}

const sf7 = create(DataRateSchema, {
  modulation: {
    case: "lora",
    value: { bandwidth: 125_000, spreadingFactor: 7, codingRate: "4/5" },
  },
});
const sf12 = create(DataRateSchema, {
  modulation: {
    case: "lora",
    value: { bandwidth: 125_000, spreadingFactor: 12, codingRate: "4/5" },
  },
});

function classA(rx1Delay = 1): DownlinkMessage {
  return create(DownlinkMessageSchema, {
    rawPayload: new Uint8Array(15),
    correlationIds: ["ns:downlink:x"],
    settings: {
      case: "request",
      value: {
        class: Class.A,
        rx1Delay,
        rx1DataRate: sf7,
        rx1Frequency: 868_100_000n,
        rx2DataRate: sf12,
        rx2Frequency: 869_525_000n,
        priority: 6,
      },
    },
  });
}

async function uplinkToken(
  connection: Connection,
  clock: { timestamp: number } | { xtime: bigint },
): Promise<UplinkTokenFields> {
  const uplink = create(UplinkMessageSchema, {
    rawPayload: Uint8Array.from([0x40, 1, 2, 3, 4]),
    rxMetadata: [
      { timestamp: "timestamp" in clock ? clock.timestamp : Number(clock.xtime & 0xffffffffn) },
    ],
  });
  await connection.handleUplink(uplink, { clock });
  const fields = decodeUplinkToken(uplink.rxMetadata[0]?.uplinkToken ?? new Uint8Array());
  assert.ok(fields);
  return fields;
}

/** The path does not matter to the connection beyond its antenna: the token does. */
const tokenPath = (token: UplinkTokenFields): DownlinkPath =>
  create(DownlinkPathSchema, {
    path: { case: "fixed", value: { gatewayIds: { gatewayId: token.gatewayId } } },
  });

describe("Connection with the real scheduler", () => {
  it("times RX1 from the uplink's tmst across the 32-bit wrap, with TxSettings for the sink", async () => {
    const { connection, sent } = setup();
    const tmst = 2 ** 32 - 500_000;
    const token = await uplinkToken(connection, { timestamp: tmst });
    const response = await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    assert.equal(response.rx1, true);
    const settings = sent[0]?.downlink.settings;
    assert.equal(settings?.case, "scheduled");
    const tx = settings?.case === "scheduled" ? settings.value : undefined;
    assert.equal(tx?.timestamp, (tmst + 1_000_000) % 2 ** 32);
    assert.equal(tx?.concentratorTimestamp, BigInt(tmst + 1_000_000));
    assert.equal(tx?.frequency, 868_100_000n);
    // EIRP: the sub-band's maximum (16.15 dBm), no antenna gain to take off.
    assert.equal(tx?.downlink?.txPower, 16.15);
    assert.equal(tx?.downlink?.invertPolarization, true);
    assert.equal(sent[0]?.info.scheduled.window, "rx1");
  });

  it("echoes the xtime of a Basics Station uplink in concentrator_timestamp", async () => {
    const { connection, sent } = setup(
      {},
      { protocol: "semtechws/lbslns", protocolLeadUs: 30_000 },
    );
    const xtime = (0x65n << 48n) | 268_737_824n;
    const token = await uplinkToken(connection, { xtime });
    assert.equal(token.concentratorTime, xtime);
    await connection.scheduleDownlink(classA(5), tokenPath(token), token);
    const tx = sent[0]?.downlink.settings.value as { concentratorTimestamp: bigint };
    assert.equal(tx.concentratorTimestamp, xtime + 5_000_000n);
    assert.equal(sent[0]?.info.scheduled.xtime, xtime + 5_000_000n);
  });

  it("refuses with TTS's too_late when both windows have passed", async () => {
    const { connection, advance } = setup();
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    advance(2_500_000);
    await assert.rejects(
      connection.scheduleDownlink(classA(1), tokenPath(token), token),
      (error: unknown) => (error as DefinedError).definition.name === "too_late",
    );
  });

  it("frees the booked emission when the gateway refuses it", async () => {
    const { connection, sent } = setup();
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    // The same window again conflicts with the first emission: RX2 is taken instead.
    const second = await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    assert.equal(second.rx2, true);
    const first = sent[0]?.downlink as DownlinkMessage;
    await connection.handleTxAcknowledgment(
      create(TxAcknowledgmentSchema, { result: TxAcknowledgment_Result.TOO_LATE }),
      { downlink: first },
    );
    const third = await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    assert.equal(third.rx1, true, "RX1 is free again");
  });

  it("sends a schedule_downlink_late gateway's downlink only at sendAtServerUs", async () => {
    const { connection, sent } = setup({ scheduleDownlinkLate: true }, { scheduleLateMs: 900 });
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    assert.equal(sent.length, 0, "not at once: a timer sends it 900 ms before the start");
    // The timer fires 100 ms of real time later (1 s − 900 ms).
    const started = performance.now();
    while (sent.length === 0 && performance.now() - started < 2000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(sent.length, 1);
  });

  it("cancels a late send when the connection closes", async () => {
    const { connection, sent } = setup({ scheduleDownlinkLate: true }, { scheduleLateMs: 900 });
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    connection.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(sent.length, 0);
  });

  it("reports the scheduler's round trips, sub-band use and hourly traffic in the stats", async () => {
    const { connection, nowMs } = setup();
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    connection.recordRoundTrip(20_000.25);
    // Fractions of a µs (the monotonic clock has them) must not break the Duration.
    connection.recordRoundTrip(40_000.123);
    // 32.904 ms split through float milliseconds gave nanos 32904000.000000004: no JSON.
    connection.recordRoundTrip(32_904.2);
    await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    const stats = connection.stats.toMessage(nowMs());
    assert.equal(stats.roundTripTimes?.count, 3);
    // The connection's clock is in the first hour of 1970: one hour, with both messages.
    assert.equal(stats.hourlyTraffic.length, 1);
    assert.equal(stats.hourlyTraffic[0]?.start?.seconds, 0n);
    assert.equal(stats.hourlyTraffic[0]?.uplinkCount, 1n);
    assert.equal(stats.hourlyTraffic[0]?.downlinkCount, 1n);
    assert.equal(stats.roundTripTimes?.max?.nanos, 40_000_000);
    assert.equal(stats.roundTripTimes?.median?.nanos, 32_904_000);
    const binary = toBinary(GatewayConnectionStatsSchema, stats);
    // As a peer instance receives them (gRPC, binary): the hourly traffic comes along.
    const received = fromBinary(GatewayConnectionStatsSchema, binary);
    assert.equal(received.hourlyTraffic[0]?.uplinkCount, 1n);
    assert.equal(received.hourlyTraffic[0]?.downlinkCount, 1n);
    assert.deepEqual(
      (
        toJson(GatewayConnectionStatsSchema, stats, { useProtoFieldName: true }) as Record<
          string,
          unknown
        >
      ).hourly_traffic,
      [{ start: "1970-01-01T00:00:00Z", uplink_count: "1", downlink_count: "1" }],
      "JSON as REST serves it",
    );
    assert.ok(stats.subBands.length > 0);
    assert.ok(stats.subBands.some((band) => band.downlinkUtilizationLimit === 0.01));
  });

  it("drops a round trip measured while the server's event loop lagged", async () => {
    // The loop ran 300 ms late during the second measurement's interval only.
    const lagged = (fromUs: number, toUs: number) => (toUs - fromUs > 100_000 ? 300_000 : 0);
    const { connection, nowMs } = setup({}, {}, lagged);
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    connection.recordRoundTrip(20_000);
    connection.recordRoundTrip(400_000);
    await connection.scheduleDownlink(classA(1), tokenPath(token), token);
    const stats = connection.stats.toMessage(nowMs());
    assert.equal(stats.roundTripTimes?.count, 1, "only the one measured on time");
    assert.equal(stats.roundTripTimes?.max?.nanos, 20_000_000);
  });

  it("fails downlinks of a gateway without a known frequency plan", async () => {
    const { connection } = setup({ frequencyPlanIds: ["NO_SUCH_PLAN"] });
    const token = await uplinkToken(connection, { timestamp: 5_000_000 });
    await assert.rejects(
      connection.scheduleDownlink(classA(1), tokenPath(token), token),
      (error: unknown) => (error as DefinedError).definition.name === "no_frequency_plan",
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { MACState_UplinkMessage_RxMetadataSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { DownlinkPathConstraint } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { Class, TxRequestSchema, TxSchedulePriority } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { latestBand } from "../../lorawan/band/index.ts";
import { dataRateIndexOf, dataRateMessage } from "./data-rate.ts";
import { type OrderedDownlinkPath, orderDownlinkPaths, wantedRssi } from "./paths.ts";
import { classATxRequest, classCTxRequest } from "./tx-request.ts";
import { classAWindows, classCWindow, type DeviceRxParameters } from "./windows.ts";

const eu868 = latestBand("EU_863_870");
assert.ok(eu868);
const token = (name: string) => new TextEncoder().encode(`token-${name}`);
const tokenName = (p: OrderedDownlinkPath) =>
  p.path.path.case === "uplinkToken" ? new TextDecoder().decode(p.path.path.value).slice(6) : "";

function reception(
  name: string,
  snr: number,
  channelRssi: number,
  options: { constraint?: DownlinkPathConstraint; noToken?: boolean; packetBroker?: boolean } = {},
) {
  return create(MACState_UplinkMessage_RxMetadataSchema, {
    gatewayIds: { gatewayId: `gw-${name}` },
    snr,
    channelRssi,
    downlinkPathConstraint: options.constraint ?? DownlinkPathConstraint.NONE,
    uplinkToken: options.noToken ? new Uint8Array() : token(name),
    packetBroker: options.packetBroker ? {} : undefined,
  });
}

describe("downlink paths", () => {
  it("wanted RSSI", () => {
    assert.equal(wantedRssi(-8, -90), -98);
    assert.equal(wantedRssi(7, -100), -101);
    assert.equal(wantedRssi(12, -105), -105);
  });

  const cases: { name: string; metadata: ReturnType<typeof reception>[]; order: string[] }[] = [
    {
      // By SNR alone the order would be c, a, b; the wanted RSSI puts b first.
      name: "best wanted RSSI first, not best SNR",
      metadata: [reception("a", 7, -100), reception("b", -8, -90), reception("c", 12, -105)],
      order: ["b", "a", "c"],
    },
    {
      name: "receptions without SNR or RSSI after the others",
      metadata: [reception("zero", 0, -40), reception("a", 7, -100)],
      order: ["a", "zero"],
    },
    {
      name: "PREFER_OTHER after NONE, Packet Broker last, NEVER and tokenless left out",
      metadata: [
        reception("pb", 10, -40, { packetBroker: true }),
        reception("prefer", 10, -50, { constraint: DownlinkPathConstraint.PREFER_OTHER }),
        reception("never", 10, -30, { constraint: DownlinkPathConstraint.NEVER }),
        reception("tokenless", 10, -30, { noToken: true }),
        reception("a", 7, -100),
      ],
      order: ["a", "prefer", "pb"],
    },
    {
      name: "equal receptions keep their order",
      metadata: [reception("x", 5, -80), reception("y", 5, -80)],
      order: ["x", "y"],
    },
    { name: "no receptions: no paths", metadata: [], order: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(orderDownlinkPaths(c.metadata).map(tokenName), c.order);
    });
  }

  it("Packet Broker paths name no gateway", () => {
    const [path] = orderDownlinkPaths([reception("pb", 1, -70, { packetBroker: true })]);
    assert.equal(path?.gatewayIds, undefined);
    const [local] = orderDownlinkPaths([reception("a", 1, -70)]);
    assert.equal(local?.gatewayIds?.gatewayId, "gw-a");
  });
});

describe("data rates", () => {
  it("round trip between band index and API message", () => {
    for (const rate of (eu868 as NonNullable<typeof eu868>).dataRates) {
      assert.equal(dataRateIndexOf(eu868, dataRateMessage(eu868, rate.index)), rate.index);
    }
    assert.equal(dataRateMessage(eu868, 15), undefined);
    assert.equal(dataRateIndexOf(eu868, undefined), undefined);
  });
});

describe("TxRequest", () => {
  const device: DeviceRxParameters = {
    rx1Delay: 1,
    rx1DataRateOffset: 0,
    rx2DataRateIndex: 0,
    rx2Frequency: 869_525_000,
    downlinkDwellTime: false,
  };
  const uplink = {
    frequency: 868_300_000,
    dataRateIndex: 5,
    channelIndex: 1,
    receivedAtMs: 1_000_000,
  };
  const paths = orderDownlinkPaths([reception("a", 7, -100), reception("b", -8, -90)]);
  const request = (use: { rx1: boolean; rx2: boolean }, kind?: "join-accept") =>
    toJson(
      TxRequestSchema,
      classATxRequest({
        band: eu868,
        windows: classAWindows(eu868, uplink, device, kind),
        use,
        paths,
        priority: TxSchedulePriority.HIGH,
        frequencyPlanId: "EU_863_870_TTN",
      }),
    );

  const cases: { name: string; json: unknown; expected: Record<string, unknown> }[] = [
    {
      name: "class A, both windows",
      json: request({ rx1: true, rx2: true }),
      expected: {
        downlinkPaths: [{ uplinkToken: "dG9rZW4tYg==" }, { uplinkToken: "dG9rZW4tYQ==" }],
        rx1Delay: "RX_DELAY_1",
        rx1DataRate: { lora: { bandwidth: 125000, spreadingFactor: 7, codingRate: "4/5" } },
        rx1Frequency: "868300000",
        rx2DataRate: { lora: { bandwidth: 125000, spreadingFactor: 12, codingRate: "4/5" } },
        rx2Frequency: "869525000",
        priority: "HIGH",
        frequencyPlanId: "EU_863_870_TTN",
      },
    },
    {
      name: "class A, RX2 only: the RX1 delay still times RX2",
      json: request({ rx1: false, rx2: true }),
      expected: {
        downlinkPaths: [{ uplinkToken: "dG9rZW4tYg==" }, { uplinkToken: "dG9rZW4tYQ==" }],
        rx1Delay: "RX_DELAY_1",
        rx2DataRate: { lora: { bandwidth: 125000, spreadingFactor: 12, codingRate: "4/5" } },
        rx2Frequency: "869525000",
        priority: "HIGH",
        frequencyPlanId: "EU_863_870_TTN",
      },
    },
    {
      name: "join-accept: RX1 delay 5 (RX2 at 6)",
      json: request({ rx1: true, rx2: true }, "join-accept"),
      expected: {
        downlinkPaths: [{ uplinkToken: "dG9rZW4tYg==" }, { uplinkToken: "dG9rZW4tYQ==" }],
        rx1Delay: "RX_DELAY_5",
        rx1DataRate: { lora: { bandwidth: 125000, spreadingFactor: 7, codingRate: "4/5" } },
        rx1Frequency: "868300000",
        rx2DataRate: { lora: { bandwidth: 125000, spreadingFactor: 12, codingRate: "4/5" } },
        rx2Frequency: "869525000",
        priority: "HIGH",
        frequencyPlanId: "EU_863_870_TTN",
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(c.json, c.expected);
    });
  }

  it("no window or no path is a typed error", () => {
    assert.throws(() => request({ rx1: false, rx2: false }), {
      name: "network-server/downlink:too_late",
    });
    assert.throws(
      () =>
        classATxRequest({
          band: eu868,
          windows: classAWindows(eu868, uplink, device),
          use: { rx1: true, rx2: true },
          paths: [],
          priority: TxSchedulePriority.NORMAL,
          frequencyPlanId: "EU_863_870",
        }),
      { name: "network-server/downlink:no_downlink_path" },
    );
  });

  it("class C: RX2 parameters, now or at an absolute time", () => {
    const window = classCWindow(eu868, device, 0);
    const now = classCTxRequest({
      band: eu868,
      window,
      paths,
      priority: TxSchedulePriority.NORMAL,
      frequencyPlanId: "EU_863_870",
    });
    assert.equal(now.class, Class.C);
    assert.equal(now.rx2Frequency, 869_525_000n);
    assert.equal(now.rx1Frequency, 0n);
    assert.equal(now.absoluteTime, undefined);
    const at = classCTxRequest({
      band: eu868,
      window,
      paths,
      priority: TxSchedulePriority.NORMAL,
      frequencyPlanId: "EU_863_870",
      absoluteTimeMs: Date.UTC(2026, 11, 5),
    });
    assert.ok(at.absoluteTime);
    assert.equal(timestampDate(at.absoluteTime).toISOString(), "2026-12-05T00:00:00.000Z");
  });
});

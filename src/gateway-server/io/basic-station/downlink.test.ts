import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { dataRateTable, parseJson } from "../../../gateway-protocols/basic-station/index.ts";
import { DataRateSchema } from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { DownlinkMessageSchema } from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import { latestBand } from "../../../lorawan/band/index.ts";
import { presentedSecret, secretMatches } from "./authorization.ts";
import { dataRateOfIndex, indexOfDownlinkDataRate } from "./data-rates.ts";
import { encodeScheduledDownlink } from "./downlink.ts";
import { gpsTimeUsFromUnixMs, timestampFromGpsTimeUs } from "./gps-time.ts";

const eu868 = latestBand("EU_863_870");
const us915 = latestBand("US_902_928");
assert.ok(eu868 && us915);

const lora = (spreadingFactor: number, bandwidth: number) =>
  create(DataRateSchema, {
    modulation: { case: "lora", value: { spreadingFactor, bandwidth, codingRate: "4/5" } },
  });

function scheduled(frequency: bigint, dataRate = lora(7, 125_000), antennaIndex = 0) {
  return create(DownlinkMessageSchema, {
    rawPayload: Uint8Array.from([0x60, 1, 2, 3, 4, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd]),
    correlationIds: ["ns:test"],
    settings: {
      case: "scheduled",
      value: { frequency, dataRate, downlink: { antennaIndex, txPower: 14 } },
    },
  });
}

describe("dnmsg of a scheduled downlink", () => {
  // Session 0x65 and radio unit 0: beyond 2^53, as station's xtimes are.
  const xtime = 0x65_0000_2004_9d20n + 1_000_000n;

  it("is class A with RxDelay 1 and the xtime one second before, written losslessly", () => {
    const result = encodeScheduledDownlink({
      downlink: scheduled(868_100_000n),
      xtime,
      diid: 7n,
      dataRates: dataRateTable(eu868),
      muxTime: 1796447918.13,
    });
    assert.ok(result.ok);
    assert.match(result.text, new RegExp(`"xtime":${xtime - 1_000_000n}[,}]`));
    const message = parseJson(result.text) as Record<string, unknown>;
    assert.equal(message.msgtype, "dnmsg");
    assert.equal(message.dC, 0);
    assert.equal(message.RxDelay, 1);
    assert.equal(message.RX1DR, 5);
    assert.equal(message.RX1Freq, 868_100_000);
    assert.equal(message.xtime, xtime - 1_000_000n);
    assert.equal(message.diid, 7);
    assert.equal(message.priority, 25);
    assert.equal(message.rctx, 0);
    assert.equal(message.DevEui, "00-00-00-00-00-00-00-01");
    assert.equal(message.pdu, "6001020304000000AABBCCDD");
    assert.ok(!("RX2DR" in message) && !("RX2Freq" in message));
  });

  it("names the transmission time itself in the first second of the counter", () => {
    const early = 0x65_0000_0000_0000n + 400_000n;
    const result = encodeScheduledDownlink({
      downlink: scheduled(869_525_000n, lora(12, 125_000)),
      xtime: early,
      diid: 1n,
      dataRates: dataRateTable(eu868),
      muxTime: 0,
    });
    assert.ok(result.ok);
    const message = parseJson(result.text) as Record<string, unknown>;
    assert.equal(message.DR, 0);
    assert.equal(message.Freq, 869_525_000);
    assert.equal(message.xtime, early);
    assert.ok(!("RxDelay" in message));
  });

  it("refuses what station cannot take: no data rate of the table, no scheduled settings", () => {
    const input = { xtime, diid: 1n, dataRates: dataRateTable(eu868), muxTime: 0 };
    const wrongRate = encodeScheduledDownlink({
      ...input,
      downlink: scheduled(868_100_000n, lora(7, 500_000)),
    });
    assert.deepEqual(wrongRate, { ok: false, reason: "data_rate" });
    const request = create(DownlinkMessageSchema, { settings: { case: "request", value: {} } });
    assert.deepEqual(encodeScheduledDownlink({ ...input, downlink: request }), {
      ok: false,
      reason: "not_scheduled",
    });
    const empty = scheduled(868_100_000n);
    empty.rawPayload = new Uint8Array();
    assert.deepEqual(encodeScheduledDownlink({ ...input, downlink: empty }), {
      ok: false,
      reason: "encode",
    });
  });
});

describe("data rates", () => {
  it("maps DRs indices to the band's data rates and back, downlink-only first (US915)", () => {
    assert.deepEqual(dataRateOfIndex(eu868, 5), lora(7, 125_000));
    assert.equal(dataRateOfIndex(eu868, 15), undefined);
    // US915: SF8 BW500 is uplink DR4 and downlink DR12; a downlink is DR12.
    assert.equal(indexOfDownlinkDataRate(dataRateTable(us915), lora(8, 500_000)), 12);
    assert.equal(indexOfDownlinkDataRate(dataRateTable(eu868), lora(12, 125_000)), 0);
    assert.equal(indexOfDownlinkDataRate(dataRateTable(eu868), undefined), undefined);
  });
});

describe("credentials", () => {
  it("reads the secret as it is or as a bearer token, and compares it exactly", () => {
    assert.equal(presentedSecret("Bearer abc"), "abc");
    assert.equal(presentedSecret("abc"), "abc");
    assert.equal(presentedSecret(""), undefined);
    assert.equal(presentedSecret("Bearer "), undefined);
    assert.equal(presentedSecret(undefined), undefined);
    const secret = Buffer.from("NNSXS.ABC");
    assert.equal(secretMatches("NNSXS.ABC", secret), true);
    assert.equal(secretMatches("NNSXS.ABD", secret), false);
    assert.equal(secretMatches("NNSXS.AB", secret), false);
    assert.equal(secretMatches("", new Uint8Array()), false);
    assert.equal(secretMatches("x", undefined), false);
  });
});

describe("GPS time", () => {
  it("counts from 1980-01-06 with the 18 leap seconds", () => {
    // 2026-01-01T00:00:00Z: 1451260818 s of GPS time.
    const unixMs = Date.UTC(2026, 0, 1);
    assert.equal(gpsTimeUsFromUnixMs(unixMs), 1_451_260_818_000_000n);
    assert.equal(timestampFromGpsTimeUs(1_451_260_818_000_000n)?.seconds, BigInt(unixMs / 1000));
    assert.equal(timestampFromGpsTimeUs(0n), undefined);
  });
});

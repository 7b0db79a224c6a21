import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { encodeDownlinkMessage, encodeTimeSyncReply, encodeTimeTransfer } from "./downstream.ts";
import { parseJson } from "./lossless-json.ts";
import { lnsClassADownlink } from "./test-vectors.ts";
import {
  xtimeAfter,
  xtimeAt,
  xtimeSession,
  xtimeTicks,
  xtimeTimestamp,
  xtimeTxUnit,
} from "./xtime.ts";

const pdu = Buffer.from("600403020100010001cafe55667788", "hex");
const common = { diid: 101n, pdu, muxTime: 1796447918.13 };

describe("dnmsg", () => {
  it("class A: the dnmsg station transmitted in the transcript", () => {
    const text = encodeDownlinkMessage({
      ...common,
      kind: "class-a",
      priority: 0,
      rxDelay: 1,
      rx1: { dataRate: 5, frequency: 868_300_000 },
      rx2: { dataRate: 0, frequency: 869_525_000 },
      xtime: 28428972916514444n,
      rctx: 0n,
    });
    // Same fields and values; our pdu is upper-case hex (station reads either case).
    assert.deepEqual(parseJson(text), {
      ...(parseJson(lnsClassADownlink) as object),
      pdu: "600403020100010001CAFE55667788",
    });
  });

  it("class A echoes an xtime beyond 2^53 exactly and leaves out RX2 when not given", () => {
    const text = encodeDownlinkMessage({
      ...common,
      kind: "class-a",
      rxDelay: 5,
      rx1: { dataRate: 0, frequency: 867_100_000 },
      xtime: 41939771802331466n,
    });
    assert.ok(text.includes('"xtime":41939771802331466'));
    assert.ok(!text.includes("RX2"));
    assert.ok(!text.includes("rctx"), "station takes rctx from xtime");
    assert.ok(text.includes('"DevEui":"00-00-00-00-00-00-00-01"'));
    assert.ok(text.includes('"priority":25'));
  });

  it("class C: RX2 only, dC 2, as soon as possible or after an uplink's xtime", () => {
    const asap = parseJson(
      encodeDownlinkMessage({
        ...common,
        kind: "class-c",
        rx2: { dataRate: 0, frequency: 869_525_000 },
      }),
    ) as Record<string, unknown>;
    assert.equal(asap.dC, 2);
    assert.equal(asap.RX2Freq, 869_525_000);
    assert.equal(asap.RxDelay, 1);
    assert.equal(asap.xtime, undefined);
    assert.equal(asap.RX1Freq, undefined);
    const after = parseJson(
      encodeDownlinkMessage({
        ...common,
        kind: "class-c",
        rx2: { dataRate: 3, frequency: 869_525_000 },
        xtime: 41939771802331466n,
        rxDelay: 2,
      }),
    ) as Record<string, unknown>;
    assert.equal(after.xtime, 41939771802331466n);
    assert.equal(after.RxDelay, 2);
  });

  it("absolute time: DR and Freq with xtime (class C) or gpstime (class B)", () => {
    const byXtime = parseJson(
      encodeDownlinkMessage({
        ...common,
        kind: "absolute",
        channel: { dataRate: 3, frequency: 869_525_000 },
        at: { xtime: 41939771802331466n },
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(
      [byXtime.dC, byXtime.DR, byXtime.Freq, byXtime.xtime],
      [2, 3, 869_525_000, 41939771802331466n],
    );
    assert.equal(byXtime.RxDelay, undefined, "DR implies RxDelay 0");
    const byGps = parseJson(
      encodeDownlinkMessage({
        ...common,
        kind: "absolute",
        channel: { dataRate: 3, frequency: 869_525_000 },
        at: { gpstime: 1_450_000_000_123_456n },
      }),
    ) as Record<string, unknown>;
    assert.deepEqual([byGps.dC, byGps.gpstime, byGps.xtime], [1, 1_450_000_000_123_456, undefined]);
  });

  it("refuses what station would refuse, with a typed error", () => {
    const bad = [
      { ...common, kind: "class-a", rxDelay: 16, rx1: { dataRate: 0, frequency: 1 }, xtime: 1n },
      { ...common, kind: "class-a", rxDelay: 1, xtime: 1n },
      { ...common, pdu: new Uint8Array(256), kind: "class-c", rx2: { dataRate: 0, frequency: 1 } },
      { ...common, kind: "class-c", rx2: { dataRate: 16, frequency: 1 } },
      { ...common, priority: 256, kind: "class-c", rx2: { dataRate: 0, frequency: 1 } },
    ] as const;
    for (const downlink of bad)
      assert.throws(
        () => encodeDownlinkMessage(downlink),
        DefinedError,
        JSON.stringify(downlink.kind),
      );
  });
});

describe("timesync", () => {
  it("echoes txtime and writes GPS time and MuxTime", () => {
    assert.equal(
      encodeTimeSyncReply({ txtime: 1234567, gpstime: 1_450_000_000_123_456n, muxTime: 1.5 }),
      '{"msgtype":"timesync","txtime":1234567,"gpstime":1450000000123456,"MuxTime":1.5}',
    );
    assert.equal(
      encodeTimeTransfer({ xtime: 41939771802331466n, gpstime: 1n, muxTime: 1.5 }),
      '{"msgtype":"timesync","xtime":41939771802331466,"gpstime":1,"MuxTime":1.5}',
    );
  });
});

describe("xtime", () => {
  // 28428972916514080 = 0x65000010049D20: session 0x65, ticks 268737824 (transcript).
  const uplink = 28428972916514080n;
  it("splits the transcript's xtime", () => {
    assert.equal(xtimeSession(uplink), 0x65);
    assert.equal(xtimeTxUnit(uplink), 0);
    assert.equal(xtimeTicks(uplink), 268737824n);
    assert.equal(xtimeTxUnit(0x0165000010049d20n), 1);
  });

  it("dntxed's xtime is the uplink's + RxDelay s (transcript)", () => {
    assert.equal(xtimeAfter(28428972916514444n, 1_000_000), 28428972917514444n);
  });

  it("keeps session and unit bits across the 48-bit counter wrap", () => {
    const reference = (0x02n << 56n) | (0x9an << 48n) | ((1n << 48n) - 10n);
    const later = xtimeAfter(reference, 20);
    assert.equal(xtimeSession(later), 0x9a);
    assert.equal(xtimeTxUnit(later), 2);
    assert.equal(xtimeTicks(later), 10n);
    assert.equal(xtimeAt(reference, 5_000_000n), (0x02n << 56n) | (0x9an << 48n) | 5_000_000n);
  });

  it("gives the 32-bit timestamp of an xtime", () => {
    assert.equal(xtimeTimestamp(uplink), 268737824);
    assert.equal(xtimeTimestamp(0x65_0001_0000_0005n), 5);
  });
});

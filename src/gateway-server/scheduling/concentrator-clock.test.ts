import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ConcentratorClock } from "./concentrator-clock.ts";

describe("Semtech UDP timestamps (32-bit, wrapping)", () => {
  test("unsynced clock converts nothing", () => {
    const clock = new ConcentratorClock();
    assert.equal(clock.synced, false);
    assert.equal(clock.fromTimestamp(5), undefined);
    assert.equal(clock.fromServerTime(5), undefined);
    assert.equal(clock.toServerTime(5), undefined);
  });

  // Rows: uplinks (tmst, server µs) in order → concentrator times of each, then a query.
  const rows: {
    name: string;
    syncs: [number, number][];
    expected: number[];
    query?: { timestamp: number; concentrator: number };
  }[] = [
    {
      name: "first sync takes the counter as it is",
      syncs: [[1_000_000, 50_000_000]],
      expected: [1_000_000],
    },
    {
      name: "the counter wraps between two uplinks",
      syncs: [
        [4_294_000_000, 10_000_000],
        [1_000_000, 12_000_000],
      ],
      expected: [4_294_000_000, 4_295_967_296],
    },
    {
      name: "the counter wraps twice without uplinks for three hours (server time decides)",
      syncs: [
        [100, 0],
        [100 + 3 * 3_600_000_000 - 2 * 2 ** 32, 3 * 3_600_000_000],
      ],
      expected: [100, 100 + 3 * 3_600_000_000],
    },
    {
      name: "an older uplink's tmst (before the wrap) maps before the last sync",
      syncs: [[500_000, 10_000_000]],
      expected: [500_000],
      query: { timestamp: 4_294_000_000, concentrator: 4_294_000_000 - 2 ** 32 },
    },
    {
      name: "a restarted forwarder (counter far from the estimate) continues the scale",
      syncs: [
        [2_000_000_000, 10_000_000],
        [7, 15_000_000],
      ],
      expected: [2_000_000_000, 2_005_000_000],
      query: { timestamp: 1_000_007, concentrator: 2_006_000_000 },
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const clock = new ConcentratorClock();
      const got = row.syncs.map(([tmst, server]) => clock.syncTimestamp(tmst, server));
      assert.deepEqual(got, row.expected);
      if (row.query) {
        assert.equal(clock.fromTimestamp(row.query.timestamp), row.query.concentrator);
        assert.equal(clock.toTimestamp(row.query.concentrator), row.query.timestamp);
      }
    });
  }

  test("the join-accept crosses the wrap: 4291481266 + 5 s is tmst 1513970", () => {
    const clock = new ConcentratorClock();
    const uplink = clock.syncTimestamp(4_291_481_266, 1_000_000);
    assert.equal(clock.toTimestamp(uplink + 5_000_000), 1_513_970);
    assert.equal(clock.toServerTime(uplink + 5_000_000), 6_000_000);
    assert.equal(clock.fromServerTime(6_000_000), uplink + 5_000_000);
  });

  test("counts a restart", () => {
    const clock = new ConcentratorClock();
    clock.syncTimestamp(2_000_000_000, 0);
    clock.syncTimestamp(2_001_000_000, 1_000_000);
    assert.equal(clock.restarts, 0);
    clock.syncTimestamp(3, 2_000_000);
    assert.equal(clock.restarts, 1);
  });

  test("round trip tmst ↔ concentrator time for any counter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
        (tmst, delta) => {
          const clock = new ConcentratorClock();
          const base = clock.syncTimestamp(tmst, 0);
          const target = clock.toTimestamp(base + delta);
          assert.ok(target >= 0 && target < 2 ** 32);
          assert.equal(clock.fromTimestamp(target), base + delta);
        },
      ),
    );
  });
});

describe("Basics Station xtime (48-bit counter under session bits)", () => {
  // 28428972916514080 = 0x65000010049D20: session 0x65, counter 268737824 (peers README).
  const xtime = 28_428_972_916_514_080n;

  test("keeps the session bits and stays lossless above 2^53", () => {
    const clock = new ConcentratorClock();
    const uplink = clock.syncXtime(xtime, 0);
    assert.equal(uplink, 268_737_824);
    assert.equal(clock.fromXtime(xtime), uplink);
    assert.equal(clock.toXtime(uplink + 1_000_000), 28_428_972_917_514_080n);
    const big = (0x7fn << 56n) | (0xffn << 48n) | 0x1234_5678_9abcn;
    const other = new ConcentratorClock();
    const at = other.syncXtime(big, 0);
    assert.equal(other.toXtime(at + 1), big + 1n, "beyond 2^53 still exact");
  });

  test("an xtime of another session is not converted; a new session restarts", () => {
    const clock = new ConcentratorClock();
    clock.syncXtime(xtime, 0);
    const otherSession = (0x66n << 48n) | 5n;
    assert.equal(clock.fromXtime(otherSession), undefined);
    const at = clock.syncXtime(otherSession, 2_000_000);
    assert.equal(at, 268_737_824 + 2_000_000, "scale continues from the estimate");
    assert.equal(clock.restarts, 1);
    assert.equal(clock.fromXtime(xtime), undefined, "the old session is gone");
    assert.equal(clock.toXtime(at + 10), otherSession + 10n);
  });
});

describe("drift and GPS time", () => {
  test("a concentrator 50 ppm fast is measured and used", () => {
    const clock = new ConcentratorClock();
    for (let minute = 0; minute <= 10; minute++) {
      const server = minute * 60_000_000;
      clock.syncTimestamp(Math.round(server * 1.00005) % 2 ** 32, server);
    }
    assert.ok(Math.abs((clock.driftPpm ?? 0) - 50) < 0.1, `drift ${clock.driftPpm}`);
    const server = 10 * 60_000_000 + 100_000_000;
    const expected = Math.round(server * 1.00005);
    assert.ok(Math.abs((clock.fromServerTime(server) ?? 0) - expected) <= 2);
    assert.ok(Math.abs((clock.toServerTime(expected) ?? 0) - server) <= 2);
  });

  test("no drift from spans shorter than a minute, nor absurd ones", () => {
    const clock = new ConcentratorClock();
    clock.syncTimestamp(0, 0);
    clock.syncTimestamp(1_010_000, 1_000_000);
    assert.equal(clock.driftPpm, undefined);
    clock.syncTimestamp(60_000_000 + 5_000_000, 60_000_000);
    assert.equal(clock.driftPpm, undefined, "83000 ppm is a measurement error");
  });

  test("GPS time converts only after a reference", () => {
    const clock = new ConcentratorClock();
    const at = clock.syncTimestamp(1_000_000, 0);
    assert.equal(clock.fromGpsTime(1_400_000_000_000_000), undefined);
    clock.syncGpsTime(at, 1_400_000_000_000_000);
    assert.equal(clock.hasGpsTime, true);
    assert.equal(clock.fromGpsTime(1_400_000_002_000_000), at + 2_000_000);
    assert.equal(clock.toGpsTime(at + 5), 1_400_000_000_000_005);
    clock.syncGpsTime(at, 0);
    assert.equal(clock.toGpsTime(at), 1_400_000_000_000_000, "a zero gpstime is no reference");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HourlyTraffic, hourMs } from "./hourly-traffic.ts";

/** 2026-12-06T10:00:00Z, a whole UTC hour. */
const ten = Date.UTC(2026, 11, 6, 10);
const minute = 60_000;

/** The hours as [ISO start, uplinks, downlinks] for short assertions. */
function table(traffic: HourlyTraffic, nowMs: number): [string, number, number][] {
  return traffic
    .hours(nowMs)
    .map((hour) => [
      new Date(hour.startMs).toISOString().slice(0, 13),
      hour.uplinks,
      hour.downlinks,
    ]);
}

describe("HourlyTraffic", () => {
  it("reports only the hours since the connection began, the current one last", () => {
    const traffic = new HourlyTraffic(ten + 50 * minute);
    assert.deepEqual(table(traffic, ten + 55 * minute), [["2026-12-06T10", 0, 0]]);
    traffic.uplink(ten + 51 * minute);
    traffic.uplink(ten + 59 * minute);
    traffic.downlink(ten + 59 * minute);
    assert.deepEqual(table(traffic, ten + 59 * minute), [["2026-12-06T10", 2, 1]]);
  });

  it("starts a new bucket on the whole UTC hour", () => {
    const traffic = new HourlyTraffic(ten + 30 * minute);
    traffic.uplink(ten + hourMs - 1);
    traffic.uplink(ten + hourMs);
    traffic.downlink(ten + hourMs + 1);
    assert.deepEqual(table(traffic, ten + hourMs + 5 * minute), [
      ["2026-12-06T10", 1, 0],
      ["2026-12-06T11", 1, 1],
    ]);
    const hours = traffic.hours(ten + hourMs);
    assert.equal(hours[0]?.startMs, ten);
    assert.equal(hours[1]?.startMs, ten + hourMs);
  });

  it("shows hours without traffic as zeros after a gap of several hours", () => {
    const traffic = new HourlyTraffic(ten);
    traffic.uplink(ten + minute);
    traffic.uplink(ten + 4 * hourMs + minute);
    traffic.downlink(ten + 4 * hourMs + 2 * minute);
    assert.deepEqual(table(traffic, ten + 4 * hourMs + 3 * minute), [
      ["2026-12-06T10", 1, 0],
      ["2026-12-06T11", 0, 0],
      ["2026-12-06T12", 0, 0],
      ["2026-12-06T13", 0, 0],
      ["2026-12-06T14", 1, 1],
    ]);
  });

  it("rotates with the clock when read, without traffic, and keeps 24 hours", () => {
    const traffic = new HourlyTraffic(ten);
    traffic.uplink(ten + minute);
    traffic.uplink(ten + hourMs + minute);
    // 23 hours later the first hour is still the oldest of 24.
    const at23 = table(traffic, ten + 23 * hourMs + minute);
    assert.equal(at23.length, 24);
    assert.deepEqual(at23[0], ["2026-12-06T10", 1, 0]);
    assert.deepEqual(at23[1], ["2026-12-06T11", 1, 0]);
    assert.deepEqual(at23[23], ["2026-12-07T09", 0, 0]);
    // One more hour: the first has left the window.
    const at24 = table(traffic, ten + 24 * hourMs + minute);
    assert.equal(at24.length, 24);
    assert.deepEqual(at24[0], ["2026-12-06T11", 1, 0]);
    assert.deepEqual(at24[23], ["2026-12-07T10", 0, 0]);
  });

  it("reuses a slot 24 hours on without the old hour's counts", () => {
    const traffic = new HourlyTraffic(ten);
    for (let i = 0; i < 5; i++) traffic.uplink(ten + i * minute);
    traffic.downlink(ten + 2 * hourMs);
    // The same slot as 10:00, one day later.
    traffic.uplink(ten + 24 * hourMs + minute);
    const hours = table(traffic, ten + 24 * hourMs + 2 * minute);
    assert.equal(hours.length, 24);
    assert.deepEqual(hours[0], ["2026-12-06T11", 0, 0]);
    assert.deepEqual(hours[1], ["2026-12-06T12", 0, 1]);
    assert.deepEqual(hours[23], ["2026-12-07T10", 1, 0]);
    assert.equal(
      hours.reduce((sum, [, up]) => sum + up, 0),
      1,
    );
  });

  it("forgets everything after more than 24 hours idle", () => {
    const traffic = new HourlyTraffic(ten);
    for (let hour = 0; hour < 24; hour++) {
      traffic.uplink(ten + hour * hourMs);
      traffic.downlink(ten + hour * hourMs);
    }
    const idle = ten + 24 * hourMs + 30 * 24 * hourMs;
    const read = table(traffic, idle);
    assert.equal(read.length, 24);
    assert.ok(read.every(([, up, down]) => up === 0 && down === 0));
    traffic.uplink(idle);
    const after = table(traffic, idle);
    assert.deepEqual(after[23]?.slice(1), [1, 0]);
    assert.equal(
      after.reduce((sum, [, up, down]) => sum + up + down, 0),
      1,
      "no count of a month ago comes back",
    );
  });

  it("counts a message whose time stepped back into the current hour or its own", () => {
    const traffic = new HourlyTraffic(ten + 10 * minute);
    traffic.uplink(ten + 2 * hourMs);
    // An hour ago, still within the window: that hour's bucket.
    traffic.uplink(ten + hourMs + minute);
    // Before the connection's first hour, and two days ago: the current hour.
    traffic.uplink(ten - minute);
    traffic.downlink(ten - 48 * hourMs);
    traffic.uplink(Number.NaN);
    assert.deepEqual(table(traffic, ten + 2 * hourMs + minute), [
      ["2026-12-06T10", 0, 0],
      ["2026-12-06T11", 1, 0],
      ["2026-12-06T12", 3, 1],
    ]);
    // A read with a clock behind the newest count still shows it.
    assert.deepEqual(table(traffic, ten + 30 * minute).at(-1), ["2026-12-06T12", 3, 1]);
  });
});

/**
 * Properties of the scheduler under random traffic: accepted emissions never overlap (with
 * their guard time) and never exceed a sub-band's duty cycle in any window; hostile requests
 * are refused with a reason, never thrown.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { loraTimeOnAirMicroseconds } from "../../lorawan/airtime.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { peakWindowUsage, schedulePriorities } from "./duty-cycle.ts";
import type { DownlinkRequest, EmissionHandle, TxParameters } from "./request.ts";
import { DownlinkScheduler } from "./scheduler.ts";
import { Timeline } from "./timeline.ts";

const eu = getFrequencyPlan("EU_863_870");
const frequencies = [868_100_000, 868_300_000, 867_100_000, 869_525_000, 869_525_000, 864_000_000];

/** Time of [from, to) covered by `intervals`, the slow way. */
function coveredNaive(
  intervals: readonly { start: number; end: number }[],
  from: number,
  to: number,
) {
  let total = 0;
  for (const { start, end } of intervals)
    total += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return total;
}

/** Disjoint sorted intervals from random gaps and lengths. */
const intervalsArbitrary = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 })), {
    maxLength: 30,
  })
  .map((pairs) => {
    let at = 0;
    return pairs.map(([gap, length]) => {
      const start = at + gap;
      at = start + length;
      return { start, end: at, key: {} };
    });
  });

describe("timeline and window usage against brute force", () => {
  test("covered(from, to)", () => {
    fc.assert(
      fc.property(
        intervalsArbitrary,
        fc.integer({ min: -20, max: 1600 }),
        fc.integer({ min: 0, max: 800 }),
        (intervals, from, length) => {
          const timeline = new Timeline();
          for (const interval of [...intervals].reverse()) timeline.insert(interval);
          assert.equal(
            timeline.covered(from, from + length),
            coveredNaive(intervals, from, from + length),
          );
        },
      ),
    );
  });

  test("peak window usage with a new interval", () => {
    fc.assert(
      fc.property(
        intervalsArbitrary,
        fc.integer({ min: 0, max: 1600 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 300 }),
        (intervals, start, length, window) => {
          const end = start + length;
          const others = intervals.filter((item) => item.end <= start || item.start >= end);
          const timeline = new Timeline();
          for (const interval of others) timeline.insert(interval);
          const all = [...others, { start, end }];
          let naive = 0;
          for (let x = start - window; x <= end; x++)
            naive = Math.max(naive, coveredNaive(all, x, x + window));
          assert.equal(peakWindowUsage(timeline, start, end, window), naive);
          for (const limit of [naive - 1, naive, naive + 1]) {
            if (limit <= 0) continue;
            const bounded = peakWindowUsage(timeline, start, end, window, limit);
            assert.equal(bounded > limit, naive > limit, `limit ${limit}`);
          }
        },
      ),
    );
  });
});

const operation = fc.record({
  kind: fc.constantFrom("class-a", "asap", "absolute", "adjacent", "cancel", "uplink"),
  advanceUs: fc.oneof(
    fc.integer({ min: 0, max: 500_000 }),
    fc.integer({ min: 0, max: 20_000_000 }),
  ),
  frequency: fc.constantFrom(...frequencies),
  rx2Frequency: fc.constantFrom(...frequencies),
  spreadingFactor: fc.integer({ min: 7, max: 12 }),
  payloadSize: fc.integer({ min: 1, max: 60 }),
  priority: fc.constantFrom(...schedulePriorities),
  rx1Delay: fc.integer({ min: 1, max: 5 }),
  offsetUs: fc.integer({ min: -1_000_000, max: 10_000_000 }),
  pick: fc.nat(),
});

describe("random traffic", () => {
  test("no overlap and no duty cycle beyond the limit in any window", () => {
    const windowUs = 60_000_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(operation, { maxLength: 80 }),
        (firstTmst, operations) => {
          const gateway = new DownlinkScheduler({
            frequencyPlan: eu,
            enforceDutyCycle: true,
            dutyCycleWindowUs: windowUs,
            scheduleAnytimeDelayUs: 0,
          });
          const gps = 1_400_000_000_000_000;
          let now = 5_000_000;
          const offset = firstTmst - now;
          const tmstAt = (server: number) => (((server + offset) % 2 ** 32) + 2 ** 32) % 2 ** 32;
          gateway.clock.syncTimestamp(tmstAt(now), now);
          gateway.clock.syncGpsTime(gateway.clock.fromServerTime(now) as number, gps + now);
          const accepted: { handle: EmissionHandle; frequency: number }[] = [];
          for (const op of operations) {
            now += op.advanceUs;
            const tx: TxParameters = {
              frequency: op.frequency,
              dataRate: { lora: { spreadingFactor: op.spreadingFactor, bandwidth: 125_000 } },
            };
            let request: DownlinkRequest | undefined;
            if (op.kind === "uplink") {
              gateway.clock.syncTimestamp(tmstAt(now), now);
            } else if (op.kind === "cancel") {
              const victim = accepted.splice(op.pick % Math.max(1, accepted.length), 1)[0];
              if (victim !== undefined) assert.equal(gateway.cancel(victim.handle), true);
            } else if (op.kind === "class-a") {
              request = {
                kind: "class-a",
                payloadSize: op.payloadSize,
                priority: op.priority,
                uplinkTimestamp: tmstAt(now + op.offsetUs - 1_000_000),
                rx1Delay: op.rx1Delay,
                rx1: tx,
                rx2: { ...tx, frequency: op.rx2Frequency },
              };
            } else if (op.kind === "adjacent") {
              // Aim at the guard time of a booked emission: just before or after its end.
              const neighbour = accepted[accepted.length - 1 - (op.pick % 3)];
              if (neighbour === undefined) continue;
              const { startsUs, endsUs } = neighbour.handle;
              const airtime = Math.ceil(
                loraTimeOnAirMicroseconds(op.payloadSize, {
                  spreadingFactor: op.spreadingFactor,
                  bandwidth: 125_000,
                  crc: false,
                }),
              );
              const jitter = (op.pick % 80_000) - 40_000;
              // After its end, or ending just before its start.
              const at = op.pick % 2 === 0 ? endsUs + jitter : startsUs - airtime - 30_000 + jitter;
              const gpsTimeUs = gateway.clock.toGpsTime(at) as number;
              request = {
                kind: "absolute",
                payloadSize: op.payloadSize,
                priority: op.priority,
                gpsTimeUs,
                tx,
              };
            } else if (op.kind === "asap") {
              request = { kind: "asap", payloadSize: op.payloadSize, priority: op.priority, tx };
            } else {
              request = {
                kind: "absolute",
                payloadSize: op.payloadSize,
                priority: op.priority,
                gpsTimeUs: gps + now + op.offsetUs,
                tx,
              };
            }
            if (request === undefined) continue;
            const result = gateway.schedule(request, now);
            if (result.ok) accepted.push({ handle: result.handle, frequency: result.frequency });
            else assert.ok(result.failures.length > 0);
          }
          const sorted = accepted.map((a) => a.handle).sort((a, b) => a.startsUs - b.startsUs);
          for (let i = 1; i < sorted.length; i++) {
            const previous = sorted[i - 1] as EmissionHandle;
            const next = sorted[i] as EmissionHandle;
            assert.ok(
              next.startsUs >= previous.endsUs + 30_000,
              `overlap: ${JSON.stringify([previous, next])}`,
            );
          }
          for (const subBand of eu.subBands) {
            const inBand = accepted
              .filter(
                (a) => a.frequency >= subBand.minFrequency && a.frequency <= subBand.maxFrequency,
              )
              .map((a) => ({ start: a.handle.startsUs, end: a.handle.endsUs }));
            for (const { start, end } of inBand) {
              for (const x of [start, end, start - windowUs, end - windowUs]) {
                const used = coveredNaive(inBand, x, x + windowUs);
                assert.ok(
                  used <= subBand.dutyCycle * windowUs + 1e-6,
                  `${used} µs in ${subBand.minFrequency}`,
                );
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("hostile requests are refused with a reason, never thrown", () => {
    const number = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constant(Number.NaN),
      fc.constant(-1),
      fc.constant(2 ** 60),
    );
    const dataRate = fc.oneof(
      fc.record({
        lora: fc.record({ spreadingFactor: number, bandwidth: number, codingRate: fc.string() }),
      }),
      fc.record({ fsk: fc.record({ bitRate: number }) }),
      fc.constant({}),
      fc.constant({ lora: undefined }),
    );
    const tx = fc.oneof(
      fc.record({ frequency: number, dataRate, power: fc.option(number, { nil: undefined }) }),
      fc.constantFrom(null, 5, "x", { frequency: 868_100_000, dataRate: null }),
      // Well-formed, so that some requests get as far as booking.
      fc.constant({
        frequency: 869_525_000,
        dataRate: { lora: { spreadingFactor: 9, bandwidth: 125_000 } },
      }),
    );
    const request = fc.record({
      kind: fc.constantFrom("class-a", "asap", "absolute", "bogus"),
      payloadSize: number,
      priority: fc.constantFrom(...schedulePriorities, "BOGUS", undefined),
      uplinkTimestamp: fc.oneof(number, fc.bigInt()),
      rx1Delay: number,
      rx1: fc.option(tx, { nil: undefined }),
      rx2: fc.option(tx, { nil: undefined }),
      tx,
      gpsTimeUs: number,
    });
    const gateway = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true });
    gateway.clock.syncTimestamp(1_000_000, 0);
    gateway.clock.syncGpsTime(1_000_000, 1_400_000_000_000_000);
    fc.assert(
      fc.property(request, (random) => {
        const result = gateway.schedule(random as unknown as DownlinkRequest, 10_000);
        if (result.ok) {
          assert.ok(Number.isFinite(result.startsUs) && Number.isFinite(result.endsUs));
          assert.ok(result.timestamp >= 0 && result.timestamp < 2 ** 32);
          gateway.cancel(result.handle);
        } else {
          for (const failure of result.failures) assert.equal(typeof failure.reason, "string");
        }
      }),
      { numRuns: 2000 },
    );
  });
});

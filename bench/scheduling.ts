/**
 * Downlink scheduling benchmark (`node bench/scheduling.ts`). Measures in one run, on one
 * core: the floor (one airtime computation, which every scheduled window makes), then a
 * class A request (RX1 booked) on a quiet gateway, and ASAP requests on a busy gateway whose
 * 10% sub-band holds a few thousand emissions of the last hour (the duty-cycle check walks
 * the window's edges). Each booking is cancelled again so every round sees the same state.
 * Rounds alternate and each keeps its best, so load from other processes skews little.
 */

import { type DownlinkRequest, DownlinkScheduler } from "../src/gateway-server/scheduling/index.ts";
import { loraTimeOnAirMicroseconds } from "../src/lorawan/airtime.ts";
import { getFrequencyPlan } from "../src/lorawan/frequency-plans/index.ts";
import { measureRound } from "./measure.ts";

const ROUNDS = 3;
const ROUND_MS = 200;

const plan = getFrequencyPlan("EU_863_870");
const sf7 = { lora: { spreadingFactor: 7, bandwidth: 125_000 } };

// Quiet gateway: one uplink, class A replies.
const quiet = new DownlinkScheduler({ frequencyPlan: plan, enforceDutyCycle: true });
quiet.clock.syncTimestamp(1_000_000, 10_000_000);
const classA: DownlinkRequest = {
  kind: "class-a",
  payloadSize: 20,
  uplinkTimestamp: 1_000_000,
  rx1Delay: 1,
  rx1: { frequency: 868_100_000, dataRate: sf7 },
  rx2: { frequency: 869_525_000, dataRate: { lora: { spreadingFactor: 12, bandwidth: 125_000 } } },
};

// Busy gateway: the last hour filled with SF7 class C downlinks on 869.525 MHz.
const busy = new DownlinkScheduler({ frequencyPlan: plan, enforceDutyCycle: true });
let serverNow = 0;
busy.clock.syncTimestamp(0, serverNow);
const asap: DownlinkRequest = {
  kind: "asap",
  payloadSize: 20,
  priority: "HIGHEST",
  tx: { frequency: 869_525_000, dataRate: sf7 },
};
let filled = 0;
for (let minute = 0; minute < 55; minute++) {
  serverNow = minute * 60_000_000;
  busy.clock.syncTimestamp(serverNow % 2 ** 32, serverNow);
  for (let i = 0; i < 60; i++) if (busy.schedule(asap, serverNow).ok) filled++;
}
serverNow += 60_000_000;
busy.clock.syncTimestamp(serverNow % 2 ** 32, serverNow);

// Saturated gateway: the 1% sub-band of 868.1 MHz used up evenly over the last hour, so an
// ASAP request is refused only after every instant an old emission leaves the window is tried.
const saturated = new DownlinkScheduler({ frequencyPlan: plan, enforceDutyCycle: true });
const saturating: DownlinkRequest = {
  kind: "asap",
  payloadSize: 20,
  priority: "NORMAL",
  tx: { frequency: 868_100_000, dataRate: sf7 },
};
let saturatedNow = 0;
saturated.clock.syncTimestamp(0, 0);
for (let second = 0; second < 3_600; second += 6) {
  saturatedNow = second * 1_000_000;
  saturated.clock.syncTimestamp(saturatedNow, saturatedNow);
  saturated.schedule(saturating, saturatedNow);
}
const refusedOnce = saturated.schedule(saturating, saturatedNow);
if (refusedOnce.ok) throw new Error("the saturated sub-band accepted another downlink");

const floor = () => loraTimeOnAirMicroseconds(20, { spreadingFactor: 7, bandwidth: 125_000 });
const scheduleOn = (gateway: DownlinkScheduler, request: DownlinkRequest, now: number) => () => {
  const result = gateway.schedule(request, now);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.failures)}`);
  gateway.cancel(result.handle);
  return result.startsUs;
};
const cases = {
  floor,
  classA: scheduleOn(quiet, classA, 10_050_000),
  busyAsap: scheduleOn(busy, asap, serverNow),
  refusal: () => (saturated.schedule(saturating, saturatedNow).ok ? 0 : 1),
};
const best: Record<string, number> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, op] of Object.entries(cases)) {
    best[name] = Math.max(best[name] ?? 0, measureRound(op, ROUND_MS, 100));
  }
}
const floorRate = best.floor as number;
console.log(`busy gateway: ${filled} emissions booked in the last hour's window`);
for (const [name, rate] of Object.entries(best)) {
  const ratio = name === "floor" ? "" : `  (${(floorRate / rate).toFixed(1)}× the floor's cost)`;
  console.log(`${name.padEnd(9)} ${Math.round(rate).toLocaleString("en")}/s${ratio}`);
}

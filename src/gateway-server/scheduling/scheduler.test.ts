import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { windowFailureError } from "./failures.ts";
import type { DataRate, DownlinkRequest, ScheduleResult, TxParameters } from "./request.ts";
import { DownlinkScheduler, gatewayProtocolLeadsUs, type SchedulerOptions } from "./scheduler.ts";

const eu = getFrequencyPlan("EU_863_870");
const sf = (spreadingFactor: number): DataRate => ({
  lora: { spreadingFactor, bandwidth: 125_000 },
});
const rx1: TxParameters = { frequency: 868_100_000, dataRate: sf(7) };
const rx2: TxParameters = { frequency: 869_525_000, dataRate: sf(12) };
/** 15-byte PHYPayload at SF7BW125 without CRC: 33 payload symbols + 12.25 = 46.336 ms. */
const airtimeSf7 = 46_336;
/** Uplink tmst 1 s into the counter, received at server time 10 s: concentrator = server − 9 s. */
const uplinkTmst = 1_000_000;
const syncedAt = 10_000_000;

function scheduler(options: Partial<SchedulerOptions> = {}): DownlinkScheduler {
  const created = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true, ...options });
  created.clock.syncTimestamp(uplinkTmst, syncedAt);
  return created;
}

const classA = (extra: Partial<DownlinkRequest> = {}): DownlinkRequest =>
  ({
    kind: "class-a",
    payloadSize: 15,
    uplinkTimestamp: uplinkTmst,
    rx1Delay: 1,
    rx1,
    rx2,
    ...extra,
  }) as DownlinkRequest;

function ok(result: ScheduleResult) {
  assert.ok(result.ok, `refused: ${JSON.stringify(result.failures)}`);
  return result;
}
function refused(result: ScheduleResult) {
  assert.ok(!result.ok, `scheduled in ${result.ok && result.window}`);
  return result.failures;
}

describe("class A", () => {
  // Rows: scheduler options, server time now, request → window, tmst, send-at server time.
  const rows: {
    name: string;
    options?: Partial<SchedulerOptions>;
    nowUs: number;
    request?: Partial<DownlinkRequest>;
    window: string;
    timestamp: number;
    sendAtUs: number;
    rx1Failure?: string;
  }[] = [
    {
      name: "RX1 one second after the uplink",
      nowUs: syncedAt + 50_000,
      window: "rx1",
      timestamp: 2_000_000,
      sendAtUs: syncedAt + 50_000,
    },
    {
      name: "RX1 at the TOO_LATE boundary (lead = 30 ms + 100 ms) is still accepted",
      nowUs: syncedAt + 870_000,
      window: "rx1",
      timestamp: 2_000_000,
      sendAtUs: syncedAt + 870_000,
    },
    {
      name: "1 µs past the boundary RX1 is too late and RX2 is chosen",
      nowUs: syncedAt + 870_001,
      window: "rx2",
      timestamp: 3_000_000,
      sendAtUs: syncedAt + 870_001,
      rx1Failure: "too_late",
    },
    {
      name: "join-accept delays: RX1 at 5 s",
      nowUs: syncedAt + 20_000,
      request: { rx1Delay: 5 },
      window: "rx1",
      timestamp: 6_000_000,
      sendAtUs: syncedAt + 20_000,
    },
    {
      name: "schedule late: sent 800 ms before the start",
      options: { scheduleLateUs: 800_000 },
      nowUs: syncedAt + 20_000,
      request: { rx1Delay: 5 },
      window: "rx1",
      timestamp: 6_000_000,
      sendAtUs: syncedAt + 5_000_000 - 800_000,
    },
    {
      name: "schedule late with less than 800 ms left: sent at once",
      options: { scheduleLateUs: 800_000 },
      nowUs: syncedAt + 500_000,
      window: "rx1",
      timestamp: 2_000_000,
      sendAtUs: syncedAt + 500_000,
    },
    {
      name: "RX2 only",
      nowUs: syncedAt,
      request: { rx1: undefined },
      window: "rx2",
      timestamp: 3_000_000,
      sendAtUs: syncedAt,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const gateway = scheduler(row.options);
      const result = ok(gateway.schedule(classA(row.request), row.nowUs));
      assert.equal(result.window, row.window);
      assert.equal(result.timestamp, row.timestamp);
      assert.equal(result.sendAtServerUs, row.sendAtUs);
      assert.equal(result.startsAtServerUs, syncedAt + row.timestamp - uplinkTmst);
      assert.equal(result.failures[0]?.reason, row.rx1Failure);
      assert.equal(result.xtime, undefined);
    });
  }

  test("TOO_LATE carries the numbers, as one failure per window", () => {
    const failures = refused(scheduler().schedule(classA(), syncedAt + 1_950_000));
    assert.deepEqual(failures, [
      {
        window: "rx1",
        reason: "too_late",
        details: { lead_us: -950_000, minimum_lead_us: 130_000 },
      },
      { window: "rx2", reason: "too_late", details: { lead_us: 50_000, minimum_lead_us: 130_000 } },
    ]);
  });

  test("the uplink's 32-bit timestamp across the wrap (4291481266 + 5 s → 1513970)", () => {
    const gateway = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true });
    gateway.clock.syncTimestamp(4_291_481_266, 0);
    const result = ok(
      gateway.schedule(classA({ uplinkTimestamp: 4_291_481_266, rx1Delay: 5 }), 100_000),
    );
    assert.equal(result.timestamp, 1_513_970);
    const other = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true });
    other.clock.syncTimestamp(4_291_481_266, 0);
    const rx2Only = ok(
      other.schedule(
        classA({ uplinkTimestamp: 4_291_481_266, rx1Delay: 4, rx1: undefined }),
        100_000,
      ),
    );
    assert.equal(rx2Only.window, "rx2");
    assert.equal(rx2Only.timestamp, 1_513_970);
  });

  test("five measured round trips replace the assumed network delay: half their 90th percentile", () => {
    const gateway = scheduler();
    for (let i = 0; i < 4; i++) gateway.roundTripTimes.record(600_000, syncedAt);
    assert.equal(gateway.minimumLeadUs(syncedAt), 130_000, "four are not enough yet");
    gateway.roundTripTimes.record(600_000, syncedAt);
    assert.equal(gateway.minimumLeadUs(syncedAt), 330_000);
    const failures = refused(gateway.schedule(classA({ rx2: undefined }), syncedAt + 700_000));
    assert.deepEqual(failures[0]?.details, { lead_us: 300_000, minimum_lead_us: 330_000 });
  });

  test("one slow round trip among twenty does not rule the gateway", () => {
    const gateway = scheduler();
    for (let i = 0; i < 19; i++) gateway.roundTripTimes.record(60_000, syncedAt);
    gateway.roundTripTimes.record(5_000_000, syncedAt);
    assert.equal(gateway.minimumLeadUs(syncedAt), 60_000);
  });

  test("Semtech UDP: even with a zero round trip the lead stays above the forwarder's 32.5 ms", () => {
    const gateway = scheduler({ protocolLeadUs: gatewayProtocolLeadsUs["semtech-udp"] });
    for (let i = 0; i < 5; i++) gateway.roundTripTimes.record(0, syncedAt);
    const boundary = syncedAt + 1_000_000 - 45_000;
    assert.equal(ok(gateway.schedule(classA({ rx2: undefined }), boundary)).timestamp, 2_000_000);
    const late = refused(gateway.schedule(classA({ rx2: undefined }), boundary + 1));
    assert.deepEqual(late[0]?.details, { lead_us: 44_999, minimum_lead_us: 45_000 });
  });

  test("an RX1 overlapping an earlier downlink is refused and RX2 is chosen", () => {
    const gateway = scheduler();
    const first = ok(gateway.schedule(classA(), syncedAt));
    assert.equal(first.window, "rx1");
    const second = ok(gateway.schedule(classA(), syncedAt));
    assert.equal(second.window, "rx2");
    assert.deepEqual(second.failures, [
      {
        window: "rx1",
        reason: "conflict",
        details: { conflict_starts_us: 2_000_000, conflict_ends_us: 2_000_000 + airtimeSf7 },
      },
    ]);
  });

  test("overlap refused, then allowed after the first is cancelled", () => {
    const gateway = scheduler();
    const first = ok(gateway.schedule(classA({ rx2: undefined }), syncedAt));
    assert.equal(
      refused(gateway.schedule(classA({ rx2: undefined }), syncedAt))[0]?.reason,
      "conflict",
    );
    assert.equal(gateway.cancel(first.handle), true);
    assert.equal(gateway.cancel(first.handle), false, "a second cancel does nothing");
    assert.equal(ok(gateway.schedule(classA({ rx2: undefined }), syncedAt)).window, "rx1");
  });

  test("the guard time: 30 ms after an emission ends is free, 1 µs earlier is not", () => {
    const gateway = scheduler();
    ok(gateway.schedule(classA({ rx2: undefined }), syncedAt));
    const guardEnd = 2_000_000 + airtimeSf7 + 30_000;
    const other = scheduler();
    // A second gateway clock with the uplink so placed that RX1 starts exactly at guardEnd.
    other.clock.syncTimestamp(uplinkTmst, syncedAt);
    ok(other.schedule(classA({ rx2: undefined }), syncedAt));
    const at = (start: number) =>
      other.schedule(classA({ rx2: undefined, uplinkTimestamp: start - 1_000_000 }), syncedAt);
    assert.equal(refused(at(guardEnd - 1))[0]?.reason, "conflict");
    assert.equal(ok(at(guardEnd)).timestamp, guardEnd);
  });

  test("the guard time also applies before a booked emission", () => {
    const gateway = scheduler();
    ok(gateway.schedule(classA({ rx2: undefined }), syncedAt));
    const gps = 1_400_000_000_000_000;
    gateway.clock.syncGpsTime(0, gps);
    const endingAt = (end: number): DownlinkRequest => ({
      kind: "absolute",
      payloadSize: 15,
      gpsTimeUs: gps + end - airtimeSf7,
      tx: rx1,
    });
    assert.equal(
      refused(gateway.schedule(endingAt(2_000_000 - 29_999), syncedAt))[0]?.reason,
      "conflict",
    );
    assert.equal(ok(gateway.schedule(endingAt(2_000_000 - 30_000), syncedAt)).endsUs, 1_970_000);
  });

  test("without a clock every window fails with no_clock", () => {
    const gateway = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true });
    assert.deepEqual(
      refused(gateway.schedule(classA(), 0)).map((failure) => failure.reason),
      ["no_clock", "no_clock"],
    );
    const station = scheduler();
    assert.deepEqual(
      refused(station.schedule(classA({ uplinkTimestamp: 5n }), syncedAt)).map((f) => f.reason),
      ["no_clock", "no_clock"],
      "an xtime on a tmst clock has no conversion",
    );
  });

  test("a request without windows or with a bad RX1 delay is invalid", () => {
    const gateway = scheduler();
    assert.deepEqual(
      refused(gateway.schedule(classA({ rx1: undefined, rx2: undefined }), syncedAt)),
      [
        {
          window: "rx1",
          reason: "invalid_request",
          details: { problem: "neither RX1 nor RX2 is given" },
        },
      ],
    );
    assert.equal(
      refused(gateway.schedule(classA({ rx1Delay: 16 }), syncedAt))[0]?.reason,
      "invalid_request",
    );
    assert.equal(
      refused(gateway.schedule(classA({ uplinkTimestamp: 2 ** 32 }), syncedAt))[0]?.reason,
      "invalid_request",
    );
  });

  test("a handle of another scheduler cancels nothing", () => {
    const gateway = scheduler();
    const other = scheduler();
    const booked = ok(gateway.schedule(classA({ rx2: undefined }), syncedAt));
    assert.equal(other.cancel(booked.handle), false);
    assert.equal(
      refused(gateway.schedule(classA({ rx2: undefined }), syncedAt))[0]?.reason,
      "conflict",
    );
  });

  test("Basics Station: xtime in, xtime (with its session) out", () => {
    const gateway = new DownlinkScheduler({ frequencyPlan: eu, enforceDutyCycle: true });
    const uplinkXtime = 28_428_972_916_514_444n;
    gateway.clock.syncXtime(uplinkXtime, 0);
    const result = ok(gateway.schedule(classA({ uplinkTimestamp: uplinkXtime }), 10_000));
    assert.equal(result.xtime, 28_428_972_917_514_444n, "the dntxed xtime of the transcript");
  });
});

describe("rules on frequency, power, data rate and dwell time", () => {
  const rows: {
    name: string;
    tx: TxParameters;
    payloadSize?: number;
    reason?: string;
    power?: number;
    plan?: SchedulerOptions["frequencyPlan"];
  }[] = [
    { name: "default power: the sub-band's maximum EIRP", tx: rx1, power: 16.15 },
    { name: "RX2 sub-band allows 29.15 dBm", tx: { ...rx2, power: 27 }, power: 27 },
    { name: "too much power", tx: { ...rx1, power: 20 }, reason: "tx_power" },
    {
      name: "outside the plan",
      tx: { ...rx1, frequency: 915_000_000 },
      reason: "invalid_frequency",
    },
    {
      name: "between sub-bands",
      tx: { ...rx1, frequency: 868_650_000 },
      reason: "invalid_frequency",
    },
    { name: "NaN frequency", tx: { ...rx1, frequency: Number.NaN }, reason: "invalid_frequency" },
    { name: "bad spreading factor", tx: { ...rx1, dataRate: sf(13) }, reason: "invalid_data_rate" },
    {
      name: "no modulation",
      tx: { ...rx1, dataRate: {} as DataRate },
      reason: "invalid_data_rate",
    },
    { name: "payload too large", tx: rx1, payloadSize: 300, reason: "invalid_data_rate" },
    { name: "FSK", tx: { ...rx1, dataRate: { fsk: { bitRate: 50_000 } } }, power: 16.15 },
    {
      name: "dwell time of 400 ms exceeded at SF12",
      tx: { ...rx1, dataRate: sf(12) },
      plan: { ...eu, dwellTime: { uplinks: true, downlinks: true, durationMs: 400 } },
      reason: "dwell_time",
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const gateway = scheduler(row.plan ? { frequencyPlan: row.plan } : {});
      const result = gateway.schedule(
        {
          kind: "class-a",
          payloadSize: row.payloadSize ?? 15,
          uplinkTimestamp: uplinkTmst,
          rx1Delay: 1,
          rx1: row.tx,
        },
        syncedAt,
      );
      if (row.reason === undefined) assert.equal(ok(result).power, row.power);
      else assert.equal(refused(result)[0]?.reason, row.reason);
    });
  }

  test("without enforce_duty_cycle a frequency outside every sub-band is allowed", () => {
    const gateway = scheduler({ enforceDutyCycle: false });
    const result = ok(
      gateway.schedule(
        classA({ rx1: { ...rx1, frequency: 868_650_000 }, rx2: undefined }),
        syncedAt,
      ),
    );
    assert.equal(result.power, 16, "the plan's maximum EIRP");
  });

  test("failures become typed errors with their numbers", () => {
    const failures = refused(
      scheduler().schedule(classA({ rx1: { ...rx1, power: 20 }, rx2: undefined }), syncedAt),
    );
    const error = windowFailureError(failures[0] as (typeof failures)[number]);
    assert.ok(error instanceof DefinedError);
    assert.equal(error.name, "gateway-server/scheduling:tx_power");
    assert.equal(error.definition.code, "failed_precondition");
    assert.match(error.message, /`20` dBm exceeds the maximum EIRP `16.15` dBm \(rx1\)/);
  });
});

describe("duty cycle", () => {
  const asap = (
    priority: "NORMAL" | "HIGHEST" | "LOWEST",
    tx = { ...rx1, dataRate: sf(12) },
  ): DownlinkRequest => ({
    kind: "asap",
    payloadSize: 51,
    priority,
    tx,
  });

  test("exhausted, then recovered once the hour has slid past", () => {
    const gateway = scheduler();
    let booked = 0;
    let refusal: ReturnType<typeof refused> | undefined;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      const result = gateway.schedule(asap("NORMAL"), syncedAt);
      if (result.ok) booked += result.airtimeUs;
      else refusal = result.failures;
    }
    // 1% of an hour, 70% of it for NORMAL: 25.2 s.
    assert.ok(booked <= 25_200_000 && booked > 25_200_000 - 2_500_000, `booked ${booked}`);
    assert.equal(refusal?.[0]?.reason, "duty_cycle");
    assert.ok(Math.abs(Number(refusal?.[0]?.details.usable) - 0.007) < 1e-12);
    assert.equal(refusal?.[0]?.details.priority, "NORMAL");
    // HIGHEST may use the remaining 30%.
    assert.equal(ok(gateway.schedule(asap("HIGHEST"), syncedAt)).window, "asap");
    // The sub-band's report: used / allowance.
    const later = syncedAt + 600_000_000;
    const report = gateway.subBandUtilization(later).find((s) => s.minFrequency === 868_000_000);
    assert.ok(report !== undefined && report.usedUs > 25_200_000);
    assert.equal(report.utilization, report.usedUs / 3_600_000_000 / 0.01);
    // An hour and the last airtime later, the window is free again.
    const nextHour = syncedAt + 3_600_000_000 + 600_000_000;
    assert.equal(ok(gateway.schedule(asap("NORMAL"), nextHour)).window, "asap");
    assert.equal(gateway.subBandUtilization(nextHour + 3_610_000_000)[2]?.usedUs, 0);
  });

  test("RX1's sub-band exhausted: RX2 (10% sub-band) goes out instead, as the station does", () => {
    const gateway = scheduler();
    while (gateway.schedule(asap("HIGHEST"), syncedAt).ok) {}
    // A later uplink (100 s on, within the hour) gets its join-accept on RX2.
    gateway.clock.syncTimestamp(uplinkTmst + 100_000_000, syncedAt + 100_000_000);
    const request = classA({ rx1Delay: 5, uplinkTimestamp: uplinkTmst + 100_000_000 });
    const result = ok(gateway.schedule(request, syncedAt + 100_000_000));
    assert.equal(result.window, "rx2");
    assert.equal(result.failures[0]?.reason, "duty_cycle");
  });

  test("LOWEST is refused where HIGHEST is accepted", () => {
    const gateway = scheduler();
    while (gateway.schedule(asap("LOWEST"), syncedAt).ok) {}
    assert.equal(refused(gateway.schedule(asap("LOWEST"), syncedAt))[0]?.reason, "duty_cycle");
    ok(gateway.schedule(asap("HIGHEST"), syncedAt));
  });

  test("cancel releases the duty cycle", () => {
    const gateway = scheduler();
    const booked = [];
    for (;;) {
      const result = gateway.schedule(asap("NORMAL"), syncedAt);
      if (!result.ok) break;
      booked.push(result);
    }
    assert.equal(gateway.cancel((booked[0] as (typeof booked)[number]).handle), true);
    ok(gateway.schedule(asap("NORMAL"), syncedAt));
  });

  test("not enforced: no limit, but utilisation is still reported", () => {
    const gateway = scheduler({ enforceDutyCycle: false, maximumLeadUs: 3_600_000_000 });
    for (let i = 0; i < 30; i++) ok(gateway.schedule(asap("LOWEST"), syncedAt));
    const report = gateway.subBandUtilization(syncedAt + 3_000_000_000)[2];
    assert.ok(report !== undefined && report.utilization > 1);
  });
});

describe("class C and absolute time", () => {
  const classC: DownlinkRequest = { kind: "asap", payloadSize: 15, tx: rx2 };

  test("as soon as possible: schedule_anytime_delay ahead, then after booked emissions", () => {
    const gateway = scheduler({ scheduleAnytimeDelayUs: 500_000 });
    const first = ok(gateway.schedule(classC, syncedAt));
    assert.equal(first.window, "asap");
    assert.equal(first.startsAtServerUs, syncedAt + 500_000);
    assert.equal(first.timestamp, uplinkTmst + 500_000);
    const second = ok(gateway.schedule(classC, syncedAt));
    assert.equal(second.startsUs, first.endsUs + 30_000, "right after the guard time");
  });

  test("the minimum lead wins over a smaller schedule_anytime_delay", () => {
    const gateway = scheduler({ scheduleAnytimeDelayUs: 0 });
    for (let i = 0; i < 5; i++) gateway.roundTripTimes.record(800_000, syncedAt);
    assert.equal(ok(gateway.schedule(classC, syncedAt)).startsAtServerUs, syncedAt + 430_000);
  });

  test("a gap between two emissions large enough is used", () => {
    const gateway = scheduler({ scheduleAnytimeDelayUs: 0 });
    // RX1 at 2 s (concentrator) is booked; ASAP from now (0.13 s ahead) fits before it.
    ok(gateway.schedule(classA({ rx2: undefined }), syncedAt));
    const result = ok(gateway.schedule({ ...classC, tx: rx1 }, syncedAt + 800_000));
    assert.equal(result.startsUs, 2_000_000 + airtimeSf7 + 30_000, "no room before RX1");
    const early = ok(gateway.schedule({ ...classC, tx: rx1 }, syncedAt));
    assert.equal(early.startsUs, uplinkTmst + 130_000);
  });

  test("absolute time needs a GPS reference and respects the lead limits", () => {
    const gateway = scheduler();
    const gps = 1_400_000_000_000_000;
    const request = (gpsTimeUs: number): DownlinkRequest => ({
      kind: "absolute",
      payloadSize: 15,
      gpsTimeUs,
      tx: rx2,
    });
    assert.equal(
      refused(gateway.schedule(request(gps + 2_000_000), syncedAt))[0]?.reason,
      "no_time_reference",
    );
    gateway.clock.syncGpsTime(uplinkTmst, gps);
    const result = ok(gateway.schedule(request(gps + 2_000_000), syncedAt));
    assert.equal(result.window, "absolute");
    assert.equal(result.timestamp, uplinkTmst + 2_000_000);
    assert.equal(result.gpsTimeUs, gps + 2_000_000);
    const farAhead = refused(gateway.schedule(request(gps + 600_000_000), syncedAt));
    assert.deepEqual(farAhead[0], {
      window: "absolute",
      reason: "too_early",
      details: { lead_us: 600_000_000, maximum_lead_us: 512_000_000 },
    });
    assert.equal(refused(gateway.schedule(request(gps - 1), syncedAt))[0]?.reason, "too_late");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { latestBand } from "../../lorawan/band/index.ts";
import { adaptDataRate } from "./adapt.ts";
import { demodulationFloor } from "./demodulation-floor.ts";
import { lossRate } from "./loss-rate.ts";
import { adrUplinks, marginAdrAlgorithm } from "./margin-algorithm.ts";
import type { AdrInput, AdrParameters, AdrSettings, AdrUplink } from "./types.ts";

const eu868 = latestBand("EU_863_870");
const us915 = latestBand("US_902_928");
assert.ok(eu868 && us915);

const dynamic: AdrSettings = { mode: "dynamic" };

/** `count` uplinks at `dataRateIndex` with FCnt from `fromFCnt`, every `every`-th one kept. */
function uplinks(
  count: number,
  dataRateIndex: number,
  snr: number,
  options: { fromFCnt?: number; every?: number; adrAckReq?: boolean } = {},
): AdrUplink[] {
  const from = options.fromFCnt ?? 1;
  const every = options.every ?? 1;
  return Array.from({ length: count }, (_, i) => ({
    fCnt: from + i * every,
    dataRateIndex,
    maxSnr: snr,
    gatewayCount: 1,
    adrAckReq: options.adrAckReq ?? false,
  }));
}

function input(overrides: Partial<AdrInput> & { current: AdrParameters }): AdrInput {
  return {
    band: eu868 as NonNullable<typeof eu868>,
    uplinks: [],
    desired: overrides.current,
    channelDataRates: { min: 0, max: 5 },
    rejectedDataRateIndexes: [],
    rejectedTxPowerIndexes: [],
    lastAdrChangeFCnt: 0,
    settings: dynamic,
    ...overrides,
  };
}

const at = (dataRateIndex: number, txPowerIndex = 0, nbTrans = 1) => ({
  dataRateIndex,
  txPowerIndex,
  nbTrans,
});

describe("adaptDataRate scenarios", () => {
  const cases: {
    name: string;
    input: AdrInput;
    expected: AdrParameters | undefined;
  }[] = [
    {
      // 8 + 20 (SF12 floor) − 15 − 2.5 (few uplinks) = 10.5 dB: four steps of 2.5 dB.
      name: "EU868 DR0, SNR 8 dB, 5 uplinks: four data rate steps",
      input: input({ current: at(0), uplinks: uplinks(5, 0, 8) }),
      expected: at(4),
    },
    {
      // 8 + 10 − 15 = 3 dB with 20 uplinks: one step, 0.5 dB left (less than a power step).
      name: "EU868 DR4, SNR 8 dB, 20 uplinks: DR5 at full power",
      input: input({ current: at(4), uplinks: uplinks(20, 4, 8) }),
      expected: at(5),
    },
    {
      // 16 + 7.5 − 15 = 8.5 dB at the highest ADR data rate: 4 power steps of 2 dB.
      name: "EU868 DR5, SNR 16 dB: power lowered by 8 dB",
      input: input({ current: at(5), uplinks: uplinks(20, 5, 16) }),
      expected: at(5, 4),
    },
    {
      name: "EU868 DR5, margin too small: nothing changes",
      input: input({ current: at(5), uplinks: uplinks(20, 5, 8) }),
      expected: undefined,
    },
    {
      // A weak link at DR5 with lowered power: the power goes back up where the margin needs.
      name: "EU868 DR5 at TX power 6, SNR 2 dB: power raised",
      input: input({ current: at(5, 6), uplinks: uplinks(20, 5, 2) }),
      expected: at(5, 3),
    },
    {
      name: "a rejected data rate is skipped for the next lower one",
      input: input({
        current: at(0),
        uplinks: uplinks(5, 0, 8),
        rejectedDataRateIndexes: [4],
      }),
      expected: at(3, 1),
    },
    {
      name: "a rejected highest data rate trims the range",
      input: input({
        current: at(4),
        uplinks: uplinks(20, 4, 12),
        rejectedDataRateIndexes: [5],
      }),
      // 12 + 10 − 15 = 7 dB stays at DR4: three power steps.
      expected: at(4, 3),
    },
    {
      name: "a rejected TX power index is skipped",
      input: input({
        current: at(5),
        uplinks: uplinks(20, 5, 16),
        rejectedTxPowerIndexes: [4],
      }),
      expected: at(5, 3),
    },
    {
      name: "the settings' maximum data rate caps the increase",
      input: input({
        current: at(0),
        uplinks: uplinks(5, 0, 8),
        settings: { mode: "dynamic", maxDataRateIndex: 2 },
      }),
      // 10.5 dB − 2 steps = 5.5 dB: two power steps.
      expected: at(2, 2),
    },
    {
      name: "a smaller margin setting goes further",
      input: input({
        current: at(0),
        uplinks: uplinks(20, 0, 0),
        settings: { mode: "dynamic", margin: 10 },
      }),
      // 0 + 20 − 10 = 10 dB: four steps.
      expected: at(4),
    },
    {
      name: "channels limited to DR0–DR3 stop at DR3",
      input: input({
        current: at(0),
        uplinks: uplinks(20, 0, 8),
        channelDataRates: { min: 0, max: 3 },
      }),
      // 13 dB − 7.5 = 5.5 dB: two power steps.
      expected: at(3, 2),
    },
    {
      name: "20% loss over 20 uplinks raises NbTrans from 1 to 2",
      input: input({ current: at(5), uplinks: lossy(20, 5, 8, 0.2) }),
      expected: at(5, 0, 2),
    },
    {
      // 2 of 22 frame counters missing: 9%, between 5% and 10%.
      name: "loss between 5% and 10% keeps NbTrans 2",
      input: input({
        current: at(5, 0, 2),
        uplinks: uplinks(22, 5, 8).filter((up) => up.fCnt !== 5 && up.fCnt !== 15),
      }),
      expected: undefined,
    },
    {
      name: "half the uplinks lost: NbTrans 3",
      input: input({ current: at(5), uplinks: uplinks(20, 5, 8, { every: 2 }) }),
      expected: at(5, 0, 3),
    },
    {
      name: "no loss brings NbTrans 3 back to 2",
      input: input({ current: at(5, 0, 3), uplinks: uplinks(20, 5, 8) }),
      expected: at(5, 0, 2),
    },
    {
      name: "loss over fewer than 10 uplinks is not judged",
      input: input({ current: at(5), uplinks: uplinks(9, 5, 8, { every: 2 }) }),
      expected: undefined,
    },
    {
      name: "the settings' maximum NbTrans caps the raise",
      input: input({
        current: at(5),
        uplinks: uplinks(20, 5, 8, { every: 2 }),
        settings: { mode: "dynamic", maxNbTrans: 2 },
      }),
      expected: at(5, 0, 2),
    },
    {
      name: "uplinks at another data rate are not used",
      input: input({ current: at(2), uplinks: uplinks(20, 0, 8) }),
      expected: undefined,
    },
    {
      name: "uplinks before the last ADR change are not used",
      input: input({ current: at(0), uplinks: uplinks(5, 0, 8), lastAdrChangeFCnt: 5 }),
      expected: undefined,
    },
    {
      name: "uplinks without SNR: nothing",
      input: input({
        current: at(0),
        uplinks: uplinks(5, 0, 8).map((up) => ({ ...up, maxSnr: undefined })),
      }),
      expected: undefined,
    },
    {
      name: "every data rate rejected: nothing",
      input: input({
        current: at(0),
        uplinks: uplinks(5, 0, 8),
        rejectedDataRateIndexes: [0, 1, 2, 3, 4, 5],
      }),
      expected: undefined,
    },
    {
      name: "ADRAckReq: follows the device down to its data rate at full power",
      input: input({
        current: at(5, 3),
        uplinks: [...uplinks(20, 5, 8), ...uplinks(1, 3, 12, { fromFCnt: 64, adrAckReq: true })],
      }),
      expected: at(3, 0),
    },
    {
      name: "ADRAckReq at the current data rate: full power, never a higher data rate",
      input: input({
        current: at(2, 2),
        uplinks: uplinks(20, 2, 15, { adrAckReq: true }),
      }),
      expected: at(2, 0),
    },
    {
      name: "static mode sets the configured values",
      input: input({
        current: at(0),
        uplinks: uplinks(20, 0, 8),
        settings: { mode: "static", dataRateIndex: 3, txPowerIndex: 1, nbTrans: 2 },
      }),
      expected: at(3, 1, 2),
    },
    {
      name: "static mode already desired: nothing",
      input: input({
        current: at(0),
        desired: at(3, 1, 2),
        settings: { mode: "static", dataRateIndex: 3, txPowerIndex: 1, nbTrans: 2 },
      }),
      expected: undefined,
    },
    {
      name: "disabled mode does nothing",
      input: input({
        current: at(0),
        uplinks: uplinks(20, 0, 8),
        settings: { mode: "disabled" },
      }),
      expected: undefined,
    },
    {
      // US915 DR0 is SF10: 10 + 15 − 15 − 2.5 = 7.5 dB, capped at the band's ADR maximum DR3.
      name: "US915 DR0 stops at the band's highest ADR data rate",
      input: input({
        band: us915,
        current: at(0),
        uplinks: uplinks(5, 0, 10),
        channelDataRates: { min: 0, max: 4 },
      }),
      expected: at(3),
    },
  ];

  for (const { name, input: given, expected } of cases) {
    it(name, () => {
      assert.deepEqual(adaptDataRate(given), expected);
    });
  }
});

describe("ADR over a series of uplinks", () => {
  it("converges from SF12 (DR0) to SF7 (DR5), then lowers the power", () => {
    // A fixed link: 8 dB SNR at full power, then the device moves closer (16 dB); the SNR heard
    // drops with the power the device gives up.
    let current = at(0);
    let fCnt = 0;
    const heard: AdrUplink[] = [];
    const path: number[] = [0];
    const step = (linkSnr: number) => {
      const snr = linkSnr + (eu868.txPowerOffsets[current.txPowerIndex] ?? 0);
      heard.push(...uplinks(1, current.dataRateIndex, snr, { fromFCnt: ++fCnt }));
      const next = adaptDataRate(input({ current, uplinks: heard.slice(-32) }));
      // The device accepts the LinkADRReq before its next uplink.
      if (next !== undefined) {
        current = next;
        path.push(next.dataRateIndex);
      }
    };
    for (let i = 0; i < 40; i++) step(8);
    assert.equal(current.dataRateIndex, 5);
    assert.deepEqual(path, [0, 4, 5]);
    assert.equal(current.txPowerIndex, 0);
    for (let i = 0; i < 40; i++) step(16);
    assert.deepEqual(current, at(5, 4));
  });
});

describe("ADR parts", () => {
  it("demodulation floors by spreading factor and bandwidth", () => {
    const lora = (spreadingFactor: number, bandwidth: number) => ({
      kind: "lora" as const,
      spreadingFactor,
      bandwidth,
      codingRate: "4/5",
    });
    assert.equal(demodulationFloor(lora(12, 125_000)), -20);
    assert.equal(demodulationFloor(lora(7, 125_000)), -7.5);
    assert.equal(demodulationFloor(lora(8, 500_000)), -4);
    assert.equal(demodulationFloor(lora(5, 125_000)), undefined);
    assert.equal(demodulationFloor({ kind: "fsk", bitRate: 50_000 }), undefined);
  });

  it("loss rate over frame counters", () => {
    assert.equal(lossRate([]), 0);
    assert.equal(lossRate([7]), 0);
    assert.equal(lossRate([1, 2, 3, 4]), 0);
    assert.equal(lossRate([1, 3, 5]), 2 / 5);
    // A counter reset starts over: only 0..3 count.
    assert.equal(lossRate([10, 12, 0, 1, 3]), 1 / 4);
    // A repeated counter (a retransmission) is no loss.
    assert.equal(lossRate([1, 2, 2, 3]), 0);
  });

  it("ADR uplinks are the last run at the current data rate", () => {
    const ups = [...uplinks(3, 1, 0), ...uplinks(4, 2, 0, { fromFCnt: 4 })];
    assert.deepEqual(
      adrUplinks(input({ current: at(2), uplinks: ups })).map((up) => up.fCnt),
      [4, 5, 6, 7],
    );
  });

  it("a current data rate the band does not define is a typed error", () => {
    assert.throws(() => adaptDataRate(input({ current: at(15), uplinks: uplinks(5, 15, 8) })), {
      name: "network-server/adr:unknown_data_rate",
    });
  });

  it("FSK has no floor: its margin is never spent", () => {
    const result = marginAdrAlgorithm.decide(
      input({ current: at(7), uplinks: uplinks(20, 7, 30), channelDataRates: { min: 0, max: 7 } }),
      { mode: "dynamic" },
    );
    assert.deepEqual(result, { dataRateIndex: 7, txPowerIndex: 0, nbTrans: 1 });
  });
});

/** `count` uplinks with about `share` of the frame counters in between lost. */
function lossy(count: number, dataRateIndex: number, snr: number, share: number): AdrUplink[] {
  const out: AdrUplink[] = [];
  let fCnt = 0;
  let lost = 0;
  for (let i = 0; i < count; i++) {
    fCnt++;
    // Skip a counter whenever the loss so far is below the share wanted.
    if (lost / fCnt < share) {
      lost++;
      fCnt++;
    }
    out.push({ fCnt, dataRateIndex, maxSnr: snr, gatewayCount: 1, adrAckReq: false });
  }
  return out;
}

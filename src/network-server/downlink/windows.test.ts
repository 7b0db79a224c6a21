import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Band, latestBand } from "../../lorawan/band/index.ts";
import { classAMaxFrmPayloadSize, framePending, maxFrmPayloadSize } from "./payload-size.ts";
import {
  type ClassAUplink,
  type ClassAWindows,
  classAWindows,
  classCWindow,
  type DeviceRxParameters,
  reachableWindows,
} from "./windows.ts";

const band = (id: string): Band => {
  const found = latestBand(id);
  assert.ok(found, id);
  return found;
};
const eu868 = band("EU_863_870");
const us915 = band("US_902_928");
const as923 = band("AS_923");

const receivedAtMs = Date.UTC(2026, 11, 5, 12, 0, 0);
const up = (frequency: number, dataRateIndex: number, channelIndex: number): ClassAUplink => ({
  frequency,
  dataRateIndex,
  channelIndex,
  receivedAtMs,
  timestamp: 4_294_000_000,
});
const euDevice: DeviceRxParameters = {
  rx1Delay: 1,
  rx1DataRateOffset: 0,
  rx2DataRateIndex: 0,
  rx2Frequency: 869_525_000,
  downlinkDwellTime: false,
};
const usDevice: DeviceRxParameters = {
  rx1Delay: 1,
  rx1DataRateOffset: 0,
  rx2DataRateIndex: 8,
  rx2Frequency: 923_300_000,
  downlinkDwellTime: false,
};
/** [frequency, data rate, delay in seconds] of a window. */
type Expected = [number, number, number];
const shape = (w: ClassAWindows) => ({
  rx1: w.rx1 && ([w.rx1.frequency, w.rx1.dataRateIndex, w.rx1.delaySeconds] as Expected),
  rx2: [w.rx2.frequency, w.rx2.dataRateIndex, w.rx2.delaySeconds] as Expected,
});

describe("class A windows", () => {
  const cases: {
    name: string;
    band: Band;
    uplink: ClassAUplink;
    device: DeviceRxParameters;
    kind?: ClassAWindows["kind"];
    rx1: Expected | undefined;
    rx2: Expected;
  }[] = [
    {
      name: "EU868 DR5 on 868.1 MHz: RX1 on the same frequency and data rate",
      band: eu868,
      uplink: up(868_100_000, 5, 0),
      device: euDevice,
      rx1: [868_100_000, 5, 1],
      rx2: [869_525_000, 0, 2],
    },
    {
      name: "EU868 RX1DROffset 2 and RX1 delay 5",
      band: eu868,
      uplink: up(868_300_000, 5, 1),
      device: { ...euDevice, rx1DataRateOffset: 2, rx1Delay: 5 },
      rx1: [868_300_000, 3, 5],
      rx2: [869_525_000, 0, 6],
    },
    {
      name: "EU868 RX1 delay 0 means 1 second",
      band: eu868,
      uplink: up(868_500_000, 0, 2),
      device: { ...euDevice, rx1Delay: 0 },
      rx1: [868_500_000, 0, 1],
      rx2: [869_525_000, 0, 2],
    },
    {
      name: "EU868 channel moved by DlChannelReq: RX1 on its downlink frequency",
      band: eu868,
      uplink: up(867_100_000, 5, 3),
      device: {
        ...euDevice,
        channels: [0, 0, 0, 869_100_000].map((downlinkFrequency) => ({ downlinkFrequency })),
      },
      rx1: [869_100_000, 5, 1],
      rx2: [869_525_000, 0, 2],
    },
    {
      name: "EU868 join-accept: JOIN_ACCEPT_DELAY1/2, whatever the RX1 delay",
      band: eu868,
      uplink: up(868_100_000, 0, 0),
      device: { ...euDevice, rx1Delay: 3 },
      kind: "join-accept",
      rx1: [868_100_000, 0, 5],
      rx2: [869_525_000, 0, 6],
    },
    {
      // Channel 9 (904.1 MHz) maps to downlink channel 9 mod 8 = 1: 923.9 MHz; DR0 → DR10.
      name: "US915 DR0 on channel 9: RX1 on downlink channel 1 at DR10",
      band: us915,
      uplink: up(904_100_000, 0, 9),
      device: usDevice,
      rx1: [923_900_000, 10, 1],
      rx2: [923_300_000, 8, 2],
    },
    {
      name: "US915 DR3 on channel 15 with RX1DROffset 1: DR12 on downlink channel 7",
      band: us915,
      uplink: up(905_300_000, 3, 15),
      device: { ...usDevice, rx1DataRateOffset: 1 },
      rx1: [927_500_000, 12, 1],
      rx2: [923_300_000, 8, 2],
    },
    {
      name: "US915 DR4 (500 kHz) on channel 65: DR13 on downlink channel 1",
      band: us915,
      uplink: up(904_600_000, 4, 65),
      device: usDevice,
      rx1: [923_900_000, 13, 1],
      rx2: [923_300_000, 8, 2],
    },
    {
      name: "US915 join-accept on channel 0",
      band: us915,
      uplink: up(902_300_000, 0, 0),
      device: usDevice,
      kind: "join-accept",
      rx1: [923_300_000, 10, 5],
      rx2: [923_300_000, 8, 6],
    },
    {
      name: "AS923 with downlink dwell time: RX1 data rate not below DR2",
      band: as923,
      uplink: up(923_200_000, 0, 0),
      device: {
        ...euDevice,
        rx2Frequency: 923_200_000,
        rx2DataRateIndex: 2,
        downlinkDwellTime: true,
      },
      rx1: [923_200_000, 2, 1],
      rx2: [923_200_000, 2, 2],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const windows = classAWindows(c.band, c.uplink, c.device, c.kind);
      assert.deepEqual(shape(windows), { rx1: c.rx1, rx2: c.rx2 });
      assert.equal(windows.rx2.atMs, receivedAtMs + c.rx2[2] * 1000);
      if (windows.rx1) assert.equal(windows.rx1.atMs, receivedAtMs + (c.rx1?.[2] ?? 0) * 1000);
    });
  }

  it("concentrator timestamps wrap at 2^32", () => {
    const windows = classAWindows(eu868, up(868_100_000, 5, 0), euDevice);
    assert.equal(windows.rx1?.timestamp, (4_294_000_000 + 1_000_000) % 2 ** 32);
    assert.equal(windows.rx2.timestamp, (4_294_000_000 + 2_000_000) % 2 ** 32);
  });

  it("a reserved RX1DROffset leaves RX2 only", () => {
    const windows = classAWindows(eu868, up(868_100_000, 5, 0), {
      ...euDevice,
      rx1DataRateOffset: 7,
    });
    assert.equal(windows.rx1, undefined);
    assert.equal(windows.rx2.dataRateIndex, 0);
  });

  it("an uplink data rate the band does not have is a typed error", () => {
    assert.throws(() => classAWindows(us915, up(902_300_000, 7, 0), usDevice), {
      name: "network-server/downlink:unknown_data_rate",
    });
    assert.throws(
      () => classAWindows(eu868, up(868_100_000, 5, 0), { ...euDevice, rx2DataRateIndex: 15 }),
      {
        name: "network-server/downlink:unknown_rx2_data_rate",
      },
    );
  });

  it("class C: RX2 parameters, now", () => {
    assert.deepEqual(classCWindow(eu868, euDevice, receivedAtMs), {
      frequency: 869_525_000,
      dataRateIndex: 0,
      delaySeconds: 0,
      atMs: receivedAtMs,
    });
  });
});

describe("reachable windows", () => {
  const windows = classAWindows(eu868, up(868_100_000, 5, 0), euDevice);
  const cases: { name: string; afterMs: number; rx1: boolean; rx2: boolean }[] = [
    { name: "right after the uplink: both", afterMs: 100, rx1: true, rx2: true },
    { name: "exactly the margin before RX1: both", afterMs: 800, rx1: true, rx2: true },
    { name: "RX1 too late: RX2 only", afterMs: 801, rx1: false, rx2: true },
    { name: "RX2 too late too: none", afterMs: 1801, rx1: false, rx2: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(reachableWindows(windows, receivedAtMs + c.afterMs, 200), {
        rx1: c.rx1,
        rx2: c.rx2,
      });
    });
  }
});

describe("payload limits", () => {
  const cases: {
    name: string;
    band: Band;
    dataRateIndex: number;
    dwellTime: boolean;
    fOpts?: number;
    expected: number | undefined;
  }[] = [
    { name: "EU868 DR0", band: eu868, dataRateIndex: 0, dwellTime: false, expected: 51 },
    { name: "EU868 DR5", band: eu868, dataRateIndex: 5, dwellTime: false, expected: 242 },
    {
      name: "EU868 DR5, 5 bytes of FOpts",
      band: eu868,
      dataRateIndex: 5,
      dwellTime: false,
      fOpts: 5,
      expected: 237,
    },
    { name: "US915 DR8", band: us915, dataRateIndex: 8, dwellTime: false, expected: 53 },
    {
      name: "AS923 DR2 without dwell time",
      band: as923,
      dataRateIndex: 2,
      dwellTime: false,
      expected: 115,
    },
    {
      name: "AS923 DR2 with dwell time",
      band: as923,
      dataRateIndex: 2,
      dwellTime: true,
      expected: 11,
    },
    {
      name: "AS923 DR0 with dwell time: none",
      band: as923,
      dataRateIndex: 0,
      dwellTime: true,
      expected: undefined,
    },
    {
      name: "an undefined data rate",
      band: us915,
      dataRateIndex: 7,
      dwellTime: false,
      expected: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(maxFrmPayloadSize(c.band, c.dataRateIndex, c.dwellTime, c.fOpts), c.expected);
    });
  }

  it("a downlink offered in both windows fits the smaller one", () => {
    const windows = classAWindows(eu868, up(868_100_000, 5, 0), euDevice);
    assert.equal(classAMaxFrmPayloadSize(eu868, windows, { rx1: true, rx2: true }, false), 51);
    assert.equal(classAMaxFrmPayloadSize(eu868, windows, { rx1: true, rx2: false }, false), 242);
    assert.equal(
      classAMaxFrmPayloadSize(eu868, windows, { rx1: false, rx2: false }, false),
      undefined,
    );
  });

  it("FPending when more is left", () => {
    assert.equal(framePending({ applicationDownlinks: 0, macCommands: 0 }), false);
    assert.equal(framePending({ applicationDownlinks: 1, macCommands: 0 }), true);
    assert.equal(framePending({ applicationDownlinks: 0, macCommands: 2 }), true);
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  errInvalidAirtimeParameter,
  fskTimeOnAirMicroseconds,
  loraTimeOnAirMicroseconds,
  lrFhssTimeOnAirMicroseconds,
  timeOnAirMicroseconds,
} from "./airtime.ts";
import { latestBand } from "./band/index.ts";

/** Compares microseconds with a figure published to limited precision. */
function near(actual: number, expected: number, tolerance = 0.5): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} µs ≠ ${expected} µs`);
}

const sf = (spreadingFactor: number, bandwidth = 125_000) => ({ spreadingFactor, bandwidth });

test("LoRaWAN figures of the Semtech LoRa calculator", () => {
  // The figures issue #3 quotes from the Semtech LoRa calculator: a 13-byte PHYPayload (an
  // empty data uplink) at SF7BW125, and 51 bytes at SF12BW125 (low data rate optimisation on,
  // as it must be at SF12BW125). CR 4/5, 8-symbol preamble, explicit header, CRC on.
  assert.equal(loraTimeOnAirMicroseconds(13, sf(7)), 46_336);
  assert.equal(loraTimeOnAirMicroseconds(51, sf(12)), 2_465_792);
});

test("tanupoo/lorawan_toa test.py figures (DE = low data rate optimisation)", () => {
  // Source: github.com/tanupoo/lorawan_toa test.py, values in ms.
  const sf12 = sf(12);
  assert.equal(
    loraTimeOnAirMicroseconds(64, { ...sf12, lowDataRateOptimization: false }),
    2_465_792,
  );
  assert.equal(
    loraTimeOnAirMicroseconds(64, { ...sf12, lowDataRateOptimization: true }),
    2_793_472,
  );
  const sf7 = sf(7, 500_000);
  assert.equal(loraTimeOnAirMicroseconds(255, { ...sf7, lowDataRateOptimization: false }), 99_904);
  assert.equal(loraTimeOnAirMicroseconds(255, { ...sf7, lowDataRateOptimization: true }), 137_024);
});

test("The Things Stack pkg/toa test figures (10-byte payload, CR 4/5, CRC on)", () => {
  // Source: TheThingsNetwork/lorawan-stack pkg/toa/toa_test.go (TestDifferentLoRaSFs, …BWs,
  // …CRs, …PayloadSizes), values in µs.
  const bySpreadingFactor: [number, number][] = [
    [7, 41_216],
    [8, 72_192],
    [9, 144_384],
    [10, 288_768],
    [11, 577_536],
    [12, 991_232],
  ];
  for (const [factor, us] of bySpreadingFactor) {
    assert.equal(loraTimeOnAirMicroseconds(10, sf(factor)), us, `SF${factor}`);
  }
  assert.equal(loraTimeOnAirMicroseconds(10, sf(7, 250_000)), 20_608);
  assert.equal(loraTimeOnAirMicroseconds(10, sf(7, 500_000)), 10_304);
  const byCodingRate: [string, number][] = [
    ["4/5", 41_216],
    ["4/6", 45_312],
    ["4/7", 49_408],
    ["4/8", 53_504],
  ];
  for (const [codingRate, us] of byCodingRate) {
    assert.equal(loraTimeOnAirMicroseconds(10, { ...sf(7), codingRate }), us, codingRate);
  }
  for (const size of [13, 14, 15]) assert.equal(loraTimeOnAirMicroseconds(size, sf(7)), 46_336);
  for (const size of [16, 17, 18, 19]) {
    assert.equal(loraTimeOnAirMicroseconds(size, sf(7)), 51_456);
  }
});

test("Semtech calculator figures for SX126x and LR11xx (RadioLib time-on-air tests)", () => {
  // Source: jgromes/RadioLib extras/test/unit/tests/TestCalculateTimeOnAir.cpp, whose golden
  // values come from Semtech's calculators. The first and third set force the low data rate
  // optimisation on at symbol times below 16 ms.
  const sf7Forced = { ...sf(7), lowDataRateOptimization: true };
  const first: [number, number][] = [
    [1, 30_976],
    [10, 46_336],
    [50, 128_256],
    [255, 548_096],
  ];
  for (const [size, us] of first) assert.equal(loraTimeOnAirMicroseconds(size, sf7Forced), us);

  // SF11BW250, CR 4/8, 16-symbol preamble, implicit header, no CRC.
  const sf11 = {
    ...sf(11, 250_000),
    codingRate: "4/8",
    preambleSymbols: 16,
    explicitHeader: false,
    crc: false,
  };
  const second: [number, number][] = [
    [5, 296_960],
    [15, 362_496],
    [100, 1_411_072],
    [200, 2_590_720],
  ];
  for (const [size, us] of second) assert.equal(loraTimeOnAirMicroseconds(size, sf11), us);

  const sf10Forced = { ...sf(10, 250_000), lowDataRateOptimization: true };
  const third: [number, number][] = [
    [1, 103_424],
    [20, 205_824],
    [100, 615_424],
  ];
  for (const [size, us] of third) assert.equal(loraTimeOnAirMicroseconds(size, sf10Forced), us);

  // SF11BW500, CR 4/6, 32-symbol preamble, implicit header, no CRC.
  const sf11Wide = {
    ...sf(11, 500_000),
    codingRate: "4/6",
    preambleSymbols: 32,
    explicitHeader: false,
    crc: false,
  };
  const fourth: [number, number][] = [
    [10, 205_824],
    [25, 279_552],
    [200, 1_065_984],
  ];
  for (const [size, us] of fourth) assert.equal(loraTimeOnAirMicroseconds(size, sf11Wide), us);
});

test("SX1280 (2.4 GHz) figures of the Semtech calculator", () => {
  // Source: the Semtech calculator values quoted in RadioLib's TestCalculateTimeOnAir.cpp
  // (in ms, 2 decimals or 3 significant digits).
  // SF5, 406.25 kHz, CR 4/5, preamble 8, explicit header, CRC on: 2.54, 10.02, 33.65 ms.
  const sf5 = { ...sf(5, 406_250) };
  near(loraTimeOnAirMicroseconds(1, sf5), 2_540, 5);
  near(loraTimeOnAirMicroseconds(50, sf5), 10_020, 5);
  near(loraTimeOnAirMicroseconds(200, sf5), 33_650, 5);
  // SF12, 812.5 kHz, CR 4/7, preamble 16, explicit header, CRC on: 212.99, 848.19, 1910 ms.
  const sf12 = { ...sf(12, 812_500), codingRate: "4/7", preambleSymbols: 16 };
  near(loraTimeOnAirMicroseconds(10, sf12), 212_990, 5);
  near(loraTimeOnAirMicroseconds(100, sf12), 848_190, 5);
  near(loraTimeOnAirMicroseconds(250, sf12), 1_910_000, 5_000);
  // The nominal "812 kHz" of the band tables is the same bandwidth.
  assert.equal(
    loraTimeOnAirMicroseconds(10, { ...sf12, bandwidth: 812_000 }),
    loraTimeOnAirMicroseconds(10, sf12),
  );
});

test("SX1280 long-interleaving coding rates (worked from datasheet §7.4.4)", () => {
  // No published figures were found for the LI rates; these are worked by hand from the
  // datasheet formula. Symbol time at SF12/812.5 kHz: 4096 / 812500 s ≈ 5041.23 µs.
  const dr0 = { ...sf(12, 812_500), codingRate: "4/8LI" }; // ISM2400 DR0
  const symbol = 4096 / 0.8125;
  // 0 bytes: 16 CRC bits fit the 16-bit header space: 8 payload symbols + 12.25 preamble.
  near(loraTimeOnAirMicroseconds(0, dr0), 20.25 * symbol, 1e-6);
  // 1 byte: 24 bits, 8 of them in the header space: ceil(16·8/40) = 4 more symbols.
  near(loraTimeOnAirMicroseconds(1, dr0), 24.25 * symbol, 1e-6);
  // 10 bytes: 96 bits, 16 in the header space: ceil(80·8/40) = 16 more symbols.
  near(loraTimeOnAirMicroseconds(10, dr0), 36.25 * symbol, 1e-6);
  // SF7, 4/5LI, implicit header, 1 byte: 24·5 coded bits fill ceil(120/20) = 6 symbols.
  const implicit = { ...sf(7, 812_500), codingRate: "4/5LI", explicitHeader: false };
  near(loraTimeOnAirMicroseconds(1, implicit), 18.25 * (128 / 0.8125), 1e-6);
  // 10 bytes: 480 coded bits; 8 + ceil((480 + 64 − 224) / 28) = 20 symbols.
  near(loraTimeOnAirMicroseconds(10, implicit), 32.25 * (128 / 0.8125), 1e-6);
});

test("SF5 and SF6 below 1 GHz follow the SX126x formula (worked from datasheet §6.1.4)", () => {
  // SF5BW125, 13 bytes: ceil((104 + 16 − 20 + 20) / 20) = 6 blocks of 5 + 8 = 38 symbols,
  // plus 8 + 6.25 preamble symbols of 256 µs.
  assert.equal(loraTimeOnAirMicroseconds(13, sf(5)), 52.25 * 256);
  // SF6BW500, 13 bytes: ceil(116 / 24) = 5 blocks → 33 symbols + 14.25, 128 µs each.
  assert.equal(loraTimeOnAirMicroseconds(13, sf(6, 500_000)), 47.25 * 128);
});

test("low data rate optimisation switches on at 16 ms symbols", () => {
  // SF11BW125 (16.384 ms) and SF12BW250 (16.384 ms) use it; SF10BW125 (8.192 ms) does not.
  for (const [factor, bandwidth, auto] of [
    [11, 125_000, true],
    [12, 250_000, true],
    [12, 125_000, true],
    [10, 125_000, false],
    [11, 250_000, false],
  ] as const) {
    const parameters = sf(factor, bandwidth);
    assert.equal(
      loraTimeOnAirMicroseconds(51, parameters),
      loraTimeOnAirMicroseconds(51, { ...parameters, lowDataRateOptimization: auto }),
      `SF${factor}BW${bandwidth / 1000}`,
    );
    assert.notEqual(
      loraTimeOnAirMicroseconds(51, parameters),
      loraTimeOnAirMicroseconds(51, { ...parameters, lowDataRateOptimization: !auto }),
    );
  }
});

test("header and CRC settings", () => {
  // Downlinks have no CRC: 13 bytes at SF7BW125 drop from 33 to 28 payload symbols.
  assert.equal(loraTimeOnAirMicroseconds(13, { ...sf(7), crc: false }), 40.25 * 1024);
  // Implicit header saves 20 bits: (104 + 16 − 28 + 8) / 28 → 4 blocks.
  assert.equal(loraTimeOnAirMicroseconds(13, { ...sf(7), explicitHeader: false }), 40.25 * 1024);
  // Preamble length counts one symbol each.
  assert.equal(
    loraTimeOnAirMicroseconds(13, { ...sf(7), preambleSymbols: 10 }) -
      loraTimeOnAirMicroseconds(13, sf(7)),
    2 * 1024,
  );
});

test("FSK at 50 kbit/s", () => {
  // The Things Stack pkg/toa/toa_test.go TestFSK: 200 bytes at 50 kbit/s take 33.76 ms
  // ((5 + 3 + 1 + 200 + 2) bytes × 160 µs).
  assert.equal(fskTimeOnAirMicroseconds(200, { bitRate: 50_000 }), 33_760);
  // An empty data uplink (13 bytes): 24 bytes on air.
  assert.equal(fskTimeOnAirMicroseconds(13, { bitRate: 50_000 }), 3_840);
  assert.equal(fskTimeOnAirMicroseconds(13, { bitRate: 50_000, crc: false }), 3_520);
});

test("LR-FHSS", () => {
  // A header replica is 114 bits = 233.472 ms and a full payload fragment 48 + 2 bits =
  // 102.4 ms at 488.28125 bit/s (the header and fragment durations The Things Stack and the
  // LR-FHSS literature quote).
  const dr8 = { codingRate: "1/3" };
  assert.equal(
    lrFhssTimeOnAirMicroseconds(10, dr8) -
      lrFhssTimeOnAirMicroseconds(10, { ...dr8, headerCount: 2 }),
    233_472,
  );
  // Two more bytes at CR 1/3 are 48 more coded bits: exactly one more fragment.
  assert.equal(
    lrFhssTimeOnAirMicroseconds(12, dr8) - lrFhssTimeOnAirMicroseconds(10, dr8),
    102_400,
  );
  // Worked: 10 bytes at CR 1/3 → (12·8 + 6)·3 = 306 coded bits = 6 fragments + 18 bits
  // → 6·50 + 20 = 320 bits, plus 3 headers (342 bits) = 662 bits × 2048 µs.
  assert.equal(lrFhssTimeOnAirMicroseconds(10, dr8), 662 * 2048);
  // Semtech's lr_fhss_get_time_on_air_in_ms rounds the same count up to 1356 ms.
  assert.equal(Math.ceil(lrFhssTimeOnAirMicroseconds(10, dr8) / 1000), 1356);
  // CR 2/3 (2 headers): floor(102·3/2) = 153 bits = 3 fragments + 9 → 161 + 228 = 389 bits.
  assert.equal(lrFhssTimeOnAirMicroseconds(10, { codingRate: "2/3" }), 389 * 2048);
  // The operating channel width does not change the duration.
  assert.equal(
    lrFhssTimeOnAirMicroseconds(10, { ...dr8, operatingChannelWidth: 1_523_000 }),
    lrFhssTimeOnAirMicroseconds(10, { ...dr8, operatingChannelWidth: 137_000 }),
  );
});

test("timeOnAirMicroseconds takes the band tables' modulations", () => {
  const lora = { kind: "lora", spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" } as const;
  assert.equal(timeOnAirMicroseconds(13, lora), 46_336);
  assert.equal(timeOnAirMicroseconds(13, lora, { crc: false }), 40.25 * 1024);
  assert.equal(timeOnAirMicroseconds(200, { kind: "fsk", bitRate: 50_000 }), 33_760);
  assert.equal(
    timeOnAirMicroseconds(10, {
      kind: "lr-fhss",
      codingRate: "1/3",
      operatingChannelWidth: 137_000,
    }),
    662 * 2048,
  );
});

test("dwell-time payload limits of the bands fit in 400 ms", () => {
  // Cross-check with src/lorawan/band: with the 400 ms dwell time, the largest MACPayload
  // (M) plus MHDR and MIC (5 bytes) must not exceed 400 ms on air at that data rate.
  for (const bandId of ["US_902_928", "AU_915_928", "AS_923", "AS_923_2"]) {
    const band = latestBand(bandId);
    assert.ok(band, bandId);
    // Uplink data rates (with CRC, the longer case); US915/AU915 downlinks have no dwell time.
    const maxUplinkRate = Math.max(...band.uplinkChannels.map((channel) => channel.maxDataRate));
    for (const rate of band.dataRates) {
      const size = rate.maxMacPayloadSize.dwellTime;
      if (size === 0 || rate.modulation.kind === "lr-fhss" || rate.index > maxUplinkRate) continue;
      const microseconds = timeOnAirMicroseconds(size + 5, rate.modulation);
      assert.ok(microseconds <= 400_000, `${bandId} DR${rate.index}: ${microseconds} µs`);
    }
  }
});

test("invalid parameters give typed errors", () => {
  const invalid = (run: () => unknown) =>
    assert.throws(run, (error) => errInvalidAirtimeParameter.matches(error));
  invalid(() => loraTimeOnAirMicroseconds(13, sf(4)));
  invalid(() => loraTimeOnAirMicroseconds(13, sf(13)));
  invalid(() => loraTimeOnAirMicroseconds(13, sf(7, 100_000)));
  invalid(() => loraTimeOnAirMicroseconds(13, { ...sf(7), codingRate: "4/9" }));
  invalid(() => loraTimeOnAirMicroseconds(13, { ...sf(7), codingRate: "4/8LI" }));
  invalid(() => loraTimeOnAirMicroseconds(13, { ...sf(7), preambleSymbols: 0 }));
  invalid(() =>
    loraTimeOnAirMicroseconds(13, { ...sf(12, 812_500), lowDataRateOptimization: false }),
  );
  invalid(() => loraTimeOnAirMicroseconds(256, sf(7)));
  invalid(() => loraTimeOnAirMicroseconds(-1, sf(7)));
  invalid(() => loraTimeOnAirMicroseconds(1.5, sf(7)));
  invalid(() => fskTimeOnAirMicroseconds(13, { bitRate: 0 }));
  invalid(() => lrFhssTimeOnAirMicroseconds(13, { codingRate: "3/4" }));
  invalid(() => lrFhssTimeOnAirMicroseconds(13, { codingRate: "1/2" }));
  invalid(() => timeOnAirMicroseconds(13, { kind: "ofdm" } as never));
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "@bufbuild/protobuf";
import fc from "fast-check";
import {
  decodeLppDownlink,
  decodeLppUplink,
  encodeLppDownlink,
  encodeLppUplink,
} from "./cayenne-lpp.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replaceAll(" ", ""), "hex"));

/** Golden records written from the LPP table: channel, type, value bytes → TTS's key and value. */
const golden: Array<[name: string, bytes: string, data: JsonObject]> = [
  ["digital input 255", "01 00 ff", { digital_in_1: 255 }],
  ["digital output 100", "02 01 64", { digital_out_2: 100 }],
  ["analog input 54.5 (0x154a × 0.01)", "03 02 154a", { analog_in_3: 54.5 }],
  ["analog output −54.5 (0xeab6)", "04 03 eab6", { analog_out_4: -54.5 }],
  ["luminosity 500 lux", "05 65 01f4", { luminosity_5: 500 }],
  ["luminosity 65535 lux, unsigned", "05 65 ffff", { luminosity_5: 65535 }],
  ["presence 50", "06 66 32", { presence_6: 50 }],
  ["temperature −15.6 °C (0xff64 × 0.1)", "07 67 ff64", { temperature_7: -15.6 }],
  ["relative humidity 49.5 % (99 × 0.5)", "08 68 63", { relative_humidity_8: 49.5 }],
  [
    "accelerometer −0.424, 0.015, 1.666 G",
    "09 71 fe58 000f 0682",
    { accelerometer_9: { x: -0.424, y: 0.015, z: 1.666 } },
  ],
  ["barometric pressure 1073.5 hPa", "0a 73 29ef", { barometric_pressure_10: 1073.5 }],
  ["voltage 3.3 V", "0b 74 014a", { voltage_11: 3.3 }],
  ["current −1.5 A", "0c 75 ff6a", { current_12: -1.5 }],
  ["frequency 50 Hz", "0d 76 1388", { frequency_13: 50 }],
  ["energy 1234.56", "0e 83 01e240", { energy_14: 1234.56 }],
  [
    "gyrometer 3.55, 5.61, −4.1 °/s",
    "0b 86 0163 0231 fe66",
    { gyrometer_11: { x: 3.55, y: 5.61, z: -4.1 } },
  ],
  [
    "GPS 52.3655 N, 4.8885 E, 21.54 m",
    "0c 88 07fd87 00bef5 00086a",
    { gps_12: { latitude: 52.3655, longitude: 4.8885, altitude: 21.54 } },
  ],
  [
    "GPS 42.3519 N, 87.9094 W, 10 m (the LPP document's example)",
    "01 88 06765f f2960a 0003e8",
    { gps_1: { latitude: 42.3519, longitude: -87.9094, altitude: 10 } },
  ],
  [
    "TTS's documented example: two temperatures",
    "03 67 0110 05 67 00ff",
    { temperature_3: 27.2, temperature_5: 25.5 },
  ],
];

describe("CayenneLPP golden vectors", () => {
  for (const [name, bytes, data] of golden) {
    test(`decode ${name}`, () => {
      assert.deepEqual(decodeLppUplink(hex(bytes)), { ok: true, value: data, warnings: [] });
    });
    test(`encode ${name}`, () => {
      assert.deepEqual(encodeLppUplink(data), { ok: true, value: hex(bytes), warnings: [] });
    });
  }

  test("malformed input is an error naming the place", () => {
    assert.deepEqual(decodeLppUplink(hex("01")), {
      ok: false,
      error: "CayenneLPP: truncated record header at byte 0",
    });
    assert.deepEqual(decodeLppUplink(hex("01 67 01")), {
      ok: false,
      error: "CayenneLPP: truncated temperature value on channel 1",
    });
    assert.deepEqual(decodeLppUplink(hex("01 67 0110 02 c8 00")), {
      ok: false,
      error: "CayenneLPP: unknown type 200 at byte 5",
    });
    assert.deepEqual(decodeLppUplink(new Uint8Array()), { ok: true, value: {}, warnings: [] });
  });

  test("encoding refuses values that do not fit and skips foreign keys with a warning", () => {
    assert.deepEqual(encodeLppUplink({ temperature_1: 4000 }), {
      ok: false,
      error: "CayenneLPP: temperature_1: 4000 is out of range [-3276.8, 3276.7]",
    });
    assert.deepEqual(encodeLppUplink({ digital_in_1: -1 }).ok, false);
    assert.deepEqual(encodeLppUplink({ gps_1: { latitude: 1, longitude: "2", altitude: 3 } }), {
      ok: false,
      error: "CayenneLPP: gps_1.longitude must be a number",
    });
    assert.deepEqual(encodeLppUplink({ temperature_1: "hot" }), {
      ok: false,
      error: "CayenneLPP: temperature_1 must be a number",
    });
    const skipped = encodeLppUplink({ custom: 8, custom_5: 5, temperature_256: 1, presence_2: 1 });
    assert.deepEqual(skipped.ok && [...skipped.value], [2, 102, 1]);
    assert.equal(skipped.ok && skipped.warnings.length, 3);
  });
});

describe("CayenneLPP downlinks in TTS's value form", () => {
  test("value_2 = −50.51 is channel 2, int16 −5051", () => {
    assert.deepEqual(encodeLppDownlink({ value_2: -50.51 }), {
      ok: true,
      value: hex("02 ec45"),
      warnings: [],
    });
    assert.deepEqual(decodeLppDownlink(hex("02 ec45")), {
      ok: true,
      value: { value_2: -50.51 },
      warnings: [],
    });
  });

  test("0xFF ends the list; value_255 cannot be written", () => {
    assert.deepEqual(decodeLppDownlink(hex("01 0064 ff 02 0001")), {
      ok: true,
      value: { value_1: 1 },
      warnings: [],
    });
    assert.equal(encodeLppDownlink({ value_255: 1 }).ok, false);
    assert.deepEqual(decodeLppDownlink(hex("01 00")), {
      ok: false,
      error: "CayenneLPP: truncated value on channel 1",
    });
  });

  test("typed keys are written as uplink-style records; a mix of both forms is refused", () => {
    assert.deepEqual(encodeLppDownlink({ digital_out_3: 1 }), {
      ok: true,
      value: hex("03 01 01"),
      warnings: [],
    });
    assert.equal(encodeLppDownlink({ value_1: 1, digital_out_3: 1 }).ok, false);
  });
});

/** One record of each type, with values on the type's grid so that the round trip is exact. */
const record = fc
  .record({
    channel: fc.integer({ min: 0, max: 255 }),
    type: fc.constantFrom(0, 1, 2, 3, 101, 102, 103, 104, 113, 115, 116, 117, 118, 131, 134, 136),
    payload: fc.uint8Array({ minLength: 9, maxLength: 9 }),
  })
  .map(({ channel, type, payload }) => {
    const size: Record<number, number> = {
      0: 1,
      1: 1,
      102: 1,
      104: 1,
      113: 6,
      131: 3,
      134: 6,
      136: 9,
    };
    return Uint8Array.of(channel, type, ...payload.subarray(0, size[type] ?? 2));
  });

describe("CayenneLPP round trips", () => {
  test("encode(decode(bytes)) gives the bytes back for records of distinct keys", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(record, { selector: (r) => `${r[0]}/${r[1]}`, maxLength: 8 }),
        (records) => {
          const bytes = Uint8Array.from(records.flatMap((r) => [...r]));
          const decoded = decodeLppUplink(bytes);
          assert.ok(decoded.ok);
          const encoded = encodeLppUplink(decoded.value);
          assert.ok(encoded.ok);
          assert.deepEqual(encoded.value, bytes);
        },
      ),
    );
  });

  test("decode(encode(values)) gives the values back for TTS's downlink form", () => {
    const values = fc.dictionary(
      fc.integer({ min: 0, max: 254 }).map((channel) => `value_${channel}`),
      fc.integer({ min: -32768, max: 32767 }).map((raw) => raw / 100),
    );
    fc.assert(
      fc.property(values, (data) => {
        const encoded = encodeLppDownlink(data);
        if (Object.keys(data).length === 0) return;
        assert.ok(encoded.ok);
        assert.deepEqual(decodeLppDownlink(encoded.value), {
          ok: true,
          value: { ...data },
          warnings: [],
        });
      }),
    );
  });

  test("decoding arbitrary bytes never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        decodeLppUplink(bytes);
        decodeLppDownlink(bytes);
      }),
    );
  });
});

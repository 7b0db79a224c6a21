import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createPayloadFormatters } from "./create-payload-formatters.ts";
import type { FormatterChoice } from "./payload-formatters.ts";

const context = { endDeviceIds: create(EndDeviceIdentifiersSchema, { deviceId: "dev-1" }) };
const js = (parameter: string): FormatterChoice => ({
  formatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
  parameter,
});
const uplink = {
  bytes: Uint8Array.of(1, 2, 3),
  fPort: 7,
  recvTime: new Date("2026-12-01T10:00:00Z"),
};

const formatters = createPayloadFormatters({ timeoutMs: 100, memoryLimitMb: 16 });
after(() => formatters.close());

const typical = `
function decodeUplink(input) {
  return {
    data: { temperature: ((input.bytes[0] << 8) | input.bytes[1]) / 10, port: input.fPort, at: input.recvTime.toISOString() },
    warnings: input.bytes.length > 2 ? ["extra bytes"] : [],
  };
}`;

describe("Payload Codec API", () => {
  test("decodeUplink gets bytes, fPort and recvTime as a Date", async () => {
    const decoded = await formatters.decodeUplink(js(typical), uplink, context);
    assert.deepEqual(decoded, {
      data: { temperature: 25.8, port: 7, at: "2026-12-01T10:00:00.000Z" },
      warnings: ["extra bytes"],
      errors: [],
    });
  });

  test("errors mean failure: no data, the script's errors and warnings", async () => {
    const script = `function decodeUplink() { return { data: { a: 1 }, warnings: ["w"], errors: ["bad length"] }; }`;
    assert.deepEqual(await formatters.decodeUplink(js(script), uplink, context), {
      warnings: ["w"],
      errors: ["bad length"],
    });
  });

  test("normalizeUplink runs after a successful decode, object or array", async () => {
    const script = `
      function decodeUplink(input) { return { data: { t: input.bytes[0] } }; }
      function normalizeUplink(input) { return input.data.t === 1 ? { data: { air: { temperature: input.data.t } } } : { data: [{ a: 1 }, { b: 2 }], warnings: ["two"] }; }`;
    const one = await formatters.decodeUplink(js(script), uplink, context);
    assert.deepEqual(one.normalized, {
      data: [{ air: { temperature: 1 } }],
      warnings: [],
      errors: [],
    });
    const two = await formatters.decodeUplink(
      js(script),
      { ...uplink, bytes: Uint8Array.of(2) },
      context,
    );
    assert.deepEqual(two.normalized, { data: [{ a: 1 }, { b: 2 }], warnings: ["two"], errors: [] });
  });

  test("normalizeUplink does not run when the decoder failed; its own faults stay in normalized", async () => {
    const failing = `
      function decodeUplink() { return { errors: ["no"] }; }
      function normalizeUplink() { throw new Error("must not run"); }`;
    assert.equal(
      (await formatters.decodeUplink(js(failing), uplink, context)).normalized,
      undefined,
    );
    const throwing = `
      function decodeUplink() { return { data: { a: 1 } }; }
      function normalizeUplink() { throw new Error("broken"); }`;
    const decoded = await formatters.decodeUplink(js(throwing), uplink, context);
    assert.deepEqual(decoded.data, { a: 1 });
    assert.deepEqual(decoded.normalized?.errors, ["normalizeUplink: Error: broken"]);
    const junk = `function decodeUplink() { return { data: { a: 1 } }; } function normalizeUplink() { return { data: [1, 2] }; }`;
    assert.match(
      (await formatters.decodeUplink(js(junk), uplink, context)).normalized?.errors[0] ?? "",
      /object or an array of objects/,
    );
  });

  test("encodeDownlink returns bytes and fPort; typed arrays are accepted", async () => {
    const script = `function encodeDownlink(input) { return { bytes: new Uint8Array([input.data.level, 255]), fPort: 15, warnings: ["ok"] }; }`;
    const encoded = await formatters.encodeDownlink(js(script), { data: { level: 3 } }, context);
    assert.deepEqual(encoded, {
      bytes: Uint8Array.of(3, 255),
      fPort: 15,
      warnings: ["ok"],
      errors: [],
    });
  });

  test("decodeDownlink", async () => {
    const script = `function decodeDownlink(input) { return { data: { level: input.bytes[0], port: input.fPort } }; }`;
    const decoded = await formatters.decodeDownlink(
      js(script),
      { bytes: Uint8Array.of(9), fPort: 4 },
      context,
    );
    assert.deepEqual(decoded, { data: { level: 9, port: 4 }, warnings: [], errors: [] });
  });

  test("junk results are errors", async () => {
    const cases: Array<[string, RegExp]> = [
      [`function decodeUplink() { return 42; }`, /must return an object, not a number/],
      [`function decodeUplink() { return { data: [1] }; }`, /data must be an object, not an array/],
      [
        `function decodeUplink() { return { data: { v: NaN } }; }`,
        /non-finite number \(NaN\) at "v"/,
      ],
      [
        `function decodeUplink() { return { data: { v: 1 / 0 } }; }`,
        /non-finite number \(Infinity\)/,
      ],
      [
        `function decodeUplink() { return { data: { f: function () {} } }; }`,
        /returned a function at "f"/,
      ],
      [`function decodeUplink() { var a = {}; a.self = a; return { data: a }; }`, /circular/i],
      [`function decodeUplink() { return Promise.resolve({ data: {} }); }`, /Promise/],
      [`async function decodeUplink() { return { data: {} }; }`, /Promise/],
      [`function decodeUplink() { return function () {}; }`, /returned a function/],
      [
        `function decodeUplink() { return { data: {}, warnings: "one" }; }`,
        /warnings must be an array of strings/,
      ],
      [
        `function decodeUplink() { return { data: {}, errors: [1] }; }`,
        /errors must be an array of strings/,
      ],
      [`function decodeUplink() { return { data: { big: 10n } }; }`, /bigint/],
    ];
    for (const [script, expected] of cases) {
      const decoded = await formatters.decodeUplink(js(script), uplink, context);
      assert.equal(decoded.data, undefined, script);
      assert.match(decoded.errors.join(), expected, script);
    }
    const downlinks: Array<[string, RegExp]> = [
      [
        `function encodeDownlink() { return { bytes: [1, 256] }; }`,
        /bytes\[1\] must be an integer 0-255, not 256/,
      ],
      [`function encodeDownlink() { return { bytes: [1.5] }; }`, /bytes\[0\] must be an integer/],
      [`function encodeDownlink() { return { bytes: "01" }; }`, /bytes must be an array/],
      [
        `function encodeDownlink() { return { bytes: [1], fPort: 0 }; }`,
        /fPort must be an integer 1-223, not 0/,
      ],
      [
        `function encodeDownlink() { return { bytes: [1], fPort: 224 }; }`,
        /fPort must be an integer 1-223/,
      ],
      [
        `function encodeDownlink() { return { bytes: [1], errors: ["unknown command"] }; }`,
        /unknown command/,
      ],
    ];
    for (const [script, expected] of downlinks) {
      const encoded = await formatters.encodeDownlink(js(script), { data: {} }, context);
      assert.equal(encoded.bytes, undefined, script);
      assert.match(encoded.errors.join(), expected, script);
    }
  });

  test("a script without the function asked for", async () => {
    const decoded = await formatters.decodeDownlink(
      js(typical),
      { bytes: Uint8Array.of(1), fPort: 1 },
      context,
    );
    assert.match(decoded.errors.join(), /defines no decodeDownlink/);
    const encoded = await formatters.encodeDownlink(js(typical), { data: {} }, context);
    assert.match(encoded.errors.join(), /neither encodeDownlink nor Encoder/);
  });
});

describe("legacy Decoder and Encoder", () => {
  test("Decoder(bytes, port) is used when there is no decodeUplink", async () => {
    const script = `function Decoder(bytes, port) { return { first: bytes[0], port: port }; }`;
    assert.deepEqual(await formatters.decodeUplink(js(script), uplink, context), {
      data: { first: 1, port: 7 },
      warnings: [],
      errors: [],
    });
  });

  test("decodeUplink wins over Decoder when both exist", async () => {
    const script = `
      function Decoder() { return { from: "Decoder" }; }
      function decodeUplink() { return { data: { from: "decodeUplink" } }; }`;
    assert.deepEqual((await formatters.decodeUplink(js(script), uplink, context)).data, {
      from: "decodeUplink",
    });
  });

  test("Encoder(object, port) returns the bytes; the port is the caller's", async () => {
    const script = `function Encoder(object, port) { return [object.on ? 1 : 0, port]; }`;
    const encoded = await formatters.encodeDownlink(
      js(script),
      { data: { on: true }, fPort: 9 },
      context,
    );
    assert.deepEqual(encoded, { bytes: Uint8Array.of(1, 9), fPort: 9, warnings: [], errors: [] });
    const both = `function Encoder() { return [0]; } function encodeDownlink() { return { bytes: [7] }; }`;
    assert.deepEqual(
      (await formatters.encodeDownlink(js(both), { data: {} }, context)).bytes,
      Uint8Array.of(7),
    );
  });

  test("junk from the legacy functions", async () => {
    const decoded = await formatters.decodeUplink(
      js(`function Decoder() { return "text"; }`),
      uplink,
      context,
    );
    assert.match(decoded.errors.join(), /Decoder's result must be an object, not a string/);
    const encoded = await formatters.encodeDownlink(
      js(`function Encoder() { return [300]; }`),
      { data: {} },
      context,
    );
    assert.match(encoded.errors.join(), /Encoder bytes\[0\] must be an integer 0-255/);
  });
});

describe("formatter kinds", () => {
  test("FORMATTER_NONE gives an empty result", async () => {
    const none = { formatter: PayloadFormatter.FORMATTER_NONE, parameter: "" };
    assert.deepEqual(await formatters.decodeUplink(none, uplink, context), {
      warnings: [],
      errors: [],
    });
  });

  test("kinds we do not run say so", async () => {
    const repository = { formatter: PayloadFormatter.FORMATTER_REPOSITORY, parameter: "" };
    const decoded = await formatters.decodeUplink(repository, uplink, context);
    assert.deepEqual(decoded.errors, [
      "formatter FORMATTER_REPOSITORY does not support decodeUplink",
    ]);
  });

  test("CayenneLPP both ways", async () => {
    const lpp = { formatter: PayloadFormatter.FORMATTER_CAYENNELPP, parameter: "" };
    const bytes = Uint8Array.of(0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xff);
    const decoded = await formatters.decodeUplink(lpp, { ...uplink, bytes }, context);
    assert.deepEqual(decoded, {
      data: { temperature_3: 27.2, temperature_5: 25.5 },
      warnings: [],
      errors: [],
    });
    const encoded = await formatters.encodeDownlink(
      lpp,
      { data: { value_2: -50.51 }, fPort: 3 },
      context,
    );
    assert.deepEqual(encoded, {
      bytes: Uint8Array.of(2, 236, 69),
      fPort: 3,
      warnings: [],
      errors: [],
    });
    const back = await formatters.decodeDownlink(
      lpp,
      { bytes: Uint8Array.of(2, 236, 69), fPort: 3 },
      context,
    );
    assert.deepEqual(back.data, { value_2: -50.51 });
  });
});

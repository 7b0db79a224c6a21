import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, type DescField } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DefinedError } from "../../errors/index.ts";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { isHexField, messageFromJson, messageToJson, parseJson } from "./json.ts";
import { Color, ThingSchema } from "./testdata/gen/lorastack/test/things_pb.js";

/** Asserts that decoding fails with the named `api/rest` error and a message matching. */
function rejects(json: unknown, name: string, message: RegExp) {
  assert.throws(
    () => messageFromJson(ThingSchema, json),
    (error: unknown) => {
      assert.ok(error instanceof DefinedError, String(error));
      assert.equal(error.definition.namespace, "api/rest");
      assert.equal(error.definition.name, name, error.message);
      assert.equal(error.code, "invalid_argument");
      assert.equal(error.httpStatus, 400);
      assert.match(error.message, message);
      return true;
    },
    JSON.stringify(json),
  );
}

describe("TTS JSON", () => {
  const thing = create(ThingSchema, {
    ids: {
      thingId: "t1",
      shelfIds: { shelfId: "s" },
      eui: Uint8Array.of(0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0, 0, 1),
    },
    createdAt: timestampFromDate(new Date("2020-07-31T12:17:51.645Z")),
    name: "lamp",
    attributes: { room: "kitchen" },
    color: Color.GREEN,
    colors: [Color.RED],
    payload: Uint8Array.of(1, 2, 3),
    sessionKey: Uint8Array.of(0x0a, 0xbc),
    keys: [Uint8Array.of(0xff), Uint8Array.of(0, 1)],
    big: 9007199254740993n,
    count: 3,
    ratio: Number.NaN,
    timeout: { seconds: 1n, nanos: 500_000_000 },
    flag: false,
    extra: { x: 1, y: [true, null] },
    kind: { case: "number", value: 7 },
    parts: [{ name: "p", code: Uint8Array.of(0xab) }],
    partsByNumber: { 3: { name: "q" } },
    maybe: 0,
    mask: { paths: ["ids.dev_eui", "rx_1_delay"] },
  });
  const json = {
    ids: { thing_id: "t1", shelf_ids: { shelf_id: "s" }, eui: "70B3D57ED0000001" },
    created_at: "2020-07-31T12:17:51.645Z",
    name: "lamp",
    attributes: { room: "kitchen" },
    color: "COLOR_GREEN",
    colors: ["COLOR_RED"],
    payload: "AQID",
    session_key: "0ABC",
    keys: ["FF", "0001"],
    big: "9007199254740993",
    count: 3,
    ratio: "NaN",
    timeout: "1.500s",
    flag: false,
    extra: { x: 1, y: [true, null] },
    number: 7,
    parts: [{ name: "p", code: "AB" }],
    parts_by_number: { "3": { name: "q" } },
    maybe: 0,
    mask: { paths: ["ids.dev_eui", "rx_1_delay"] },
  };

  it("writes snake_case, hex, base64, enum names, RFC 3339, masks as {paths}, no defaults", () => {
    assert.deepEqual(messageToJson(ThingSchema, thing), json);
    assert.deepEqual(messageToJson(ThingSchema, create(ThingSchema)), {});
  });

  it("reads back what it writes", () => {
    const decoded = messageFromJson(ThingSchema, structuredClone(json));
    assert.deepEqual(messageToJson(ThingSchema, decoded), json);
    assert.equal(decoded.big, 9007199254740993n);
    assert.equal(decoded.kind.case, "number");
  });

  it("reads lowerCamelCase names, lower-case hex, numeric enums, comma field masks, nulls", () => {
    const decoded = messageFromJson(ThingSchema, {
      ids: { thingId: "t", eui: "70b3d57ed0000001" },
      sessionKey: "0abc",
      color: 2,
      mask: "name,ids.dev_eui",
      description: null,
      big: 12,
      payload: "-_8",
    });
    assert.deepEqual(messageToJson(ThingSchema, decoded), {
      ids: { thing_id: "t", eui: "70B3D57ED0000001" },
      session_key: "0ABC",
      color: "COLOR_GREEN",
      mask: { paths: ["name", "ids.dev_eui"] },
      big: "12",
      payload: "+/8=",
    });
  });

  it("rejects unknown fields, naming their path", () => {
    rejects({ colour: "red" }, "unknown_field", /unknown field `colour` in lorastack\.test\.Thing/);
    rejects({ ids: { shelf_ids: { shelf: "x" } } }, "unknown_field", /`ids\.shelf_ids\.shelf`/);
    rejects(
      { parts: [{}, { id: 1 }] },
      "unknown_field",
      /`parts\[1\]\.id` in lorastack\.test\.Part/,
    );
    rejects({ mask: { paths: [], x: 1 } }, "unknown_field", /`mask\.x`/);
  });

  it("rejects bad hex, naming the field path", () => {
    for (const [value, path] of [
      [{ session_key: "0x12" }, "session_key"],
      [{ session_key: "ABC" }, "session_key"],
      [{ session_key: 12 }, "session_key"],
      [{ ids: { eui: "70B3D57ED000000G" } }, "ids.eui"],
      [{ keys: ["AB", "XY"] }, "keys[1]"],
      [{ parts_by_number: { "1": { code: "Z" } } }, 'parts_by_number["1"].code'],
    ] as const) {
      rejects(value, "invalid_hex", new RegExp(`\`${path.replace(/[[\]."]/g, "\\$&")}\``));
    }
  });

  it("rejects values of the wrong type or range", () => {
    rejects([], "invalid_field_value", /`\(root\)`: expected an object/);
    rejects({ name: 1 }, "invalid_field_value", /`name`: expected a string/);
    rejects({ count: -1 }, "invalid_field_value", /`count`: -1 is out of range/);
    rejects({ count: 1.5 }, "invalid_field_value", /`count`: expected an integer/);
    rejects({ big: 2 ** 60 }, "invalid_field_value", /`big`: integers beyond 2\^53/);
    rejects({ color: "COLOR_BLUE" }, "invalid_field_value", /`color`: unknown value "COLOR_BLUE"/);
    rejects({ enabled: "yes" }, "invalid_field_value", /`enabled`: expected true or false/);
    rejects({ payload: "%%" }, "invalid_field_value", /`payload`: expected base64/);
    rejects({ created_at: "yesterday" }, "invalid_field_value", /`created_at`/);
    rejects({ colors: "COLOR_RED" }, "invalid_field_value", /`colors`: expected an array/);
    rejects({ colors: [null] }, "invalid_field_value", /`colors\[0\]`/);
    rejects({ attributes: { a: 1 } }, "invalid_field_value", /`attributes\["a"\]`/);
    rejects({ parts_by_number: { x: {} } }, "invalid_field_value", /`parts_by_number\["x"\]`/);
    rejects(
      { label: "a", number: 1 },
      "invalid_field_value",
      /`number`: only one of the fields of kind/,
    );
    rejects({ name: "a", Name: "b" }, "unknown_field", /`Name`/);
    rejects({ session_key: "AB", sessionKey: "AB" }, "invalid_field_value", /given twice/);
    rejects({ mask: 1 }, "invalid_field_value", /`mask`: expected \{"paths"/);
    rejects({ mask: { paths: ["a b"] } }, "invalid_field_value", /`mask\.paths\[0\]`/);
    rejects({ weight: 1e39 }, "invalid_field_value", /`weight`: 1e\+39 is out of range/);
  });

  it("parses JSON text, turning syntax errors into malformed_json", () => {
    assert.deepEqual(parseJson(`{"a": 1}`), { a: 1 });
    assert.throws(
      () => parseJson("{"),
      (error: unknown) =>
        error instanceof DefinedError &&
        error.definition.name === "malformed_json" &&
        error.httpStatus === 400,
    );
  });

  it("reads the hex option of the real identifiers", () => {
    const fields = Object.fromEntries(EndDeviceIdentifiersSchema.fields.map((f) => [f.name, f]));
    assert.equal(isHexField(fields.dev_eui as DescField), true);
    assert.equal(isHexField(fields.device_id as DescField), false);
    const ids = messageFromJson(EndDeviceIdentifiersSchema, {
      device_id: "dev1",
      application_ids: { application_id: "app1" },
      dev_eui: "46cf72f61862cbb0",
      join_eui: "66209794D18AE087",
    });
    assert.deepEqual(messageToJson(EndDeviceIdentifiersSchema, ids), {
      device_id: "dev1",
      application_ids: { application_id: "app1" },
      dev_eui: "46CF72F61862CBB0",
      join_eui: "66209794D18AE087",
    });
  });
});

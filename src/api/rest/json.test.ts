import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, type DescField } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DefinedError } from "../../errors/index.ts";
import { EndDeviceSchema, MACSettingsSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
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

  it("skips unknown fields at any depth, as TTS does, and reports their paths", () => {
    const unknown: string[] = [];
    const decoded = messageFromJson(
      ThingSchema,
      {
        colour: "red",
        name: "lamp",
        Name: "not the name",
        ids: JSON.parse(`{"thing_id": "t", "shelf_ids": {"shelf": "x"}, "__proto__": 1}`),
        parts: [{}, { id: { nested: [1, 2] }, name: "p" }],
        parts_by_number: { "1": { weight: 3 } },
        versions: { mac: "1.0.3", macVersion: "x" },
        extra: { anything: "goes" },
        timeout: "1s",
      },
      { onUnknownField: (path) => unknown.push(path) },
    );
    assert.deepEqual(unknown, [
      "colour",
      "Name",
      "ids.shelf_ids.shelf",
      "ids.__proto__",
      "parts[1].id",
      'parts_by_number["1"].weight',
      "versions.macVersion",
    ]);
    assert.deepEqual(messageToJson(ThingSchema, decoded), {
      ids: { thing_id: "t", shelf_ids: {} },
      name: "lamp",
      timeout: "1s",
      extra: { anything: "goes" },
      parts: [{}, { name: "p" }],
      parts_by_number: { "1": {} },
      versions: { mac: "MAC_V1_0_3" },
    });
    assert.doesNotThrow(() => messageFromJson(ThingSchema, { colour: "red" }), "no callback");
  });

  it("reads enums by name, number, numeric string and TTS alias, on every kind of field", () => {
    const decoded = messageFromJson(ThingSchema, {
      color: "2",
      colors: [1, "COLOR_GREEN", "+1"],
      versions: {
        mac: "1.0.3",
        phys: ["1.0.3-a", "RP001_V1_0_2", "PHY_V1_0", "V1_1_REV_B", 8, "9", "1.0.2-b"],
        duty_cycles: { string_one: "1", number_one: 1, sixteen: "16", three: "3", max: "32768" },
        data_rate: "5",
      },
    });
    assert.deepEqual(messageToJson(ThingSchema, decoded), {
      color: "COLOR_GREEN",
      colors: ["COLOR_RED", "COLOR_GREEN", "COLOR_RED"],
      versions: {
        mac: "MAC_V1_0_3",
        phys: [
          "PHY_V1_0_3_REV_A",
          "PHY_V1_0_2_REV_A",
          "PHY_V1_0",
          "PHY_V1_1_REV_B",
          "RP002_V1_0_0",
          "RP002_V1_0_1",
          "PHY_V1_0_2_REV_B",
        ],
        // The string "1" is DUTY_CYCLE_1 (0), the number 1 is value 1; "3" has no alias: 3.
        duty_cycles: {
          string_one: "DUTY_CYCLE_1",
          number_one: "DUTY_CYCLE_2",
          sixteen: "DUTY_CYCLE_16",
          three: "DUTY_CYCLE_8",
          max: "DUTY_CYCLE_32768",
        },
        data_rate: "DATA_RATE_5",
      },
    });
    for (const mac of ["MAC_V1_0_3", "V1_0_3", "1.0.3", 5, "5", "005"]) {
      const versions = messageFromJson(ThingSchema, { versions: { mac } }).versions;
      assert.equal(versions?.mac, 5, String(mac));
    }
  });

  it("rejects enum values that are not declared or not a name or number", () => {
    rejects(
      { color: 7 },
      "invalid_field_value",
      /`color`: 7 is not a value of lorastack\.test\.Color/,
    );
    rejects({ color: "7" }, "invalid_field_value", /`color`: 7 is not a value/);
    rejects(
      { versions: { duty_cycles: { a: 16 } } },
      "invalid_field_value",
      /`versions\.duty_cycles\["a"\]`: 16 is not/,
    );
    rejects(
      { versions: { mac: "1.0.5" } },
      "invalid_field_value",
      /`versions\.mac`: unknown value "1\.0\.5"/,
    );
    rejects(
      { versions: { mac: "constructor" } },
      "invalid_field_value",
      /unknown value "constructor"/,
    );
    rejects(
      { versions: { phys: ["1.0.3", true] } },
      "invalid_field_value",
      /`versions\.phys\[0\]`/,
    );
    rejects(
      { versions: { phys: [true] } },
      "invalid_field_value",
      /`versions\.phys\[0\]`: expected the name or number/,
    );
    rejects({ versions: { data_rate: 1.5 } }, "invalid_field_value", /`versions\.data_rate`/);
    rejects({ color: 2 ** 31 }, "invalid_field_value", /`color`/);
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
    rejects({ session_key: "AB", sessionKey: "AB" }, "invalid_field_value", /given twice/);
    rejects({ mask: 1 }, "invalid_field_value", /`mask`: expected \{"paths"/);
    rejects({ mask: { paths: ["a b"] } }, "invalid_field_value", /`mask\.paths\[0\]`/);
    rejects(
      { mask: { paths: [], x: 1 } },
      "invalid_field_value",
      /`mask\.x`: a field mask has only/,
    );
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

  it("rejects strings that are not Unicode (lone surrogates), in values and map keys", () => {
    rejects(parseJson('{"name": "\\ud800"}'), "invalid_field_value", /`name`.*lone surrogate/);
    rejects(
      parseJson('{"attributes": {"a": "x\\udfff"}}'),
      "invalid_field_value",
      /attributes\["a"\]/,
    );
    rejects(parseJson('{"attributes": {"\\ud800": "x"}}'), "invalid_field_value", /lone surrogate/);
    rejects(parseJson('{"ids": {"thing_id": "\\ud83d"}}'), "invalid_field_value", /`ids.thing_id`/);
    // A well-formed pair is one character.
    assert.equal(messageFromJson(ThingSchema, parseJson('{"name": "\\ud83d\\ude00"}')).name, "😀");
  });
});

describe("TTS JSON: optional-value wrappers and number enums", () => {
  // MAC settings as TTS scripts and its Console send them: wrappers as bare values, data rate
  // indices, offsets and RX delays as numbers or names, frequencies as strings.
  const body = {
    rx1_delay: 5,
    rx1_data_rate_offset: "DATA_RATE_OFFSET_1",
    rx2_data_rate_index: 3,
    rx2_frequency: "869525000",
    desired_rx1_delay: "RX_DELAY_1",
    desired_rx2_data_rate_index: "DATA_RATE_0",
    desired_rx2_frequency: "869525000",
    desired_max_eirp: "DEVICE_EIRP_14",
    desired_adr_ack_limit_exponent: "ADR_ACK_LIMIT_32",
    max_duty_cycle: "DUTY_CYCLE_1",
    ping_slot_periodicity: "PING_EVERY_8S",
    supports_32_bit_f_cnt: true,
    resets_f_cnt: false,
    status_count_periodicity: 200,
    factory_preset_frequencies: ["868100000", "868300000"],
  };

  it("reads bare values into the wrappers and writes them back bare, TTS's enums as numbers", () => {
    const settings = messageFromJson(MACSettingsSchema, body);
    assert.equal(settings.rx1Delay?.value, 5);
    assert.equal(settings.rx2Frequency?.value, 869525000n);
    assert.equal(settings.desiredRx2DataRateIndex?.value, 0);
    assert.equal(settings.supports32BitFCnt?.value, true);
    assert.ok(settings.resetsFCnt, "a false wrapper is set, holding false");
    assert.deepEqual(messageToJson(MACSettingsSchema, settings), {
      rx1_delay: 5,
      rx1_data_rate_offset: 1,
      rx2_data_rate_index: 3,
      rx2_frequency: "869525000",
      factory_preset_frequencies: ["868100000", "868300000"],
      max_duty_cycle: "DUTY_CYCLE_1",
      supports_32_bit_f_cnt: true,
      resets_f_cnt: false,
      status_count_periodicity: 200,
      desired_rx1_delay: 1,
      desired_rx2_data_rate_index: 0,
      desired_rx2_frequency: "869525000",
      desired_max_eirp: "DEVICE_EIRP_14",
      desired_adr_ack_limit_exponent: "ADR_ACK_LIMIT_32",
      ping_slot_periodicity: "PING_EVERY_8S",
    });
  });

  it('accepts the message form {"value": x} too, and TTS\'s aliases inside wrappers', () => {
    const settings = messageFromJson(MACSettingsSchema, {
      rx1_delay: { value: 2 },
      desired_rx2_frequency: { value: "869525000" },
      supports_32_bit_f_cnt: { value: true },
      rx2_data_rate_index: "3",
      desired_max_eirp: "14",
    });
    assert.deepEqual(messageToJson(MACSettingsSchema, settings), {
      rx1_delay: 2,
      rx2_data_rate_index: 3,
      supports_32_bit_f_cnt: true,
      desired_rx2_frequency: "869525000",
      desired_max_eirp: "DEVICE_EIRP_14",
    });
  });

  it("names the wrapper's field when its bare value is wrong", () => {
    for (const [json, field] of [
      [{ rx1_delay: 16 }, "rx1_delay"],
      [{ rx2_frequency: "8695x" }, "rx2_frequency"],
      [{ supports_32_bit_f_cnt: "yes" }, "supports_32_bit_f_cnt"],
      [{ rx1_delay: { value: "RX_DELAY_99" } }, "rx1_delay.value"],
    ] as const) {
      assert.throws(
        () => messageFromJson(MACSettingsSchema, json),
        (error: unknown) =>
          error instanceof DefinedError &&
          error.httpStatus === 400 &&
          error.message.includes(`\`${field}\``),
        JSON.stringify(json),
      );
    }
  });

  it("reads an end device with MAC settings as TTS's documentation registers one", () => {
    const device = messageFromJson(EndDeviceSchema, {
      ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
      lorawan_version: "1.0.3",
      lorawan_phy_version: "1.0.3-a",
      frequency_plan_id: "EU_863_870_TTN",
      mac_settings: { rx1_delay: 1, rx2_data_rate_index: 0, desired_rx2_frequency: "869525000" },
    });
    const json = messageToJson(EndDeviceSchema, device) as Record<string, unknown>;
    assert.deepEqual(json.mac_settings, {
      rx1_delay: 1,
      rx2_data_rate_index: 0,
      desired_rx2_frequency: "869525000",
    });
  });
});

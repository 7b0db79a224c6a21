import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, equals } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { errInvalidFieldMaskPath } from "./errors.ts";
import { applyFieldMask, checkFieldMask, mergeFieldMask } from "./field-mask.ts";
import {
  type Device,
  DeviceSchema,
  MACStateSchema,
  UplinkRecordSchema,
} from "./testdata/gen/lorastack/test/storage/devices_pb.js";

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));

function device(): Device {
  return create(DeviceSchema, {
    ids: { applicationId: "app1", deviceId: "dev1", devEui: bytes("0102030405060708") },
    name: "Device one",
    attributes: { site: "north", floor: "2" },
    session: {
      devAddr: bytes("26011bda"),
      lastFCntUp: 41,
      keys: {
        sessionKeyId: bytes("aa"),
        appSKey: { key: bytes("ec925802ae430ca77fd3dd73cb2cc588"), kekLabel: "as" },
        fNwkSIntKey: { key: bytes("44024241ed4ce9a68c6a8bc055233fd3") },
      },
      startedAt: timestampFromDate(new Date("2026-01-01T00:00:00Z")),
    },
    macState: {
      deviceClass: 2,
      pingSlotPeriodicity: 0,
      recentUplinks: [
        { fCnt: 40, rssi: -90 },
        { fCnt: 41, rssi: -91 },
      ],
      currentParameters: { rx1Delay: 1, channels: [{ uplinkFrequency: 868_100_000n }] },
    },
    frequencyPlanIds: ["EU_863_870"],
    provisioning: { case: "provisionerId", value: "factory" },
  });
}

describe("applyFieldMask", () => {
  it("copies top-level fields of every kind", () => {
    const source = device();
    const masked = applyFieldMask(DeviceSchema, source, [
      "name",
      "attributes",
      "frequency_plan_ids",
      "provisioner_id",
    ]);
    assert.deepEqual(
      masked,
      create(DeviceSchema, {
        name: "Device one",
        attributes: { site: "north", floor: "2" },
        frequencyPlanIds: ["EU_863_870"],
        provisioning: { case: "provisionerId", value: "factory" },
      }),
    );
  });

  it("copies nested paths and creates only the messages on their way", () => {
    const masked = applyFieldMask(DeviceSchema, device(), [
      "ids.device_id",
      "session.keys.app_s_key",
      "session.last_f_cnt_up",
      "mac_state.desired_parameters.rx1_delay",
    ]);
    assert.equal(masked.ids?.deviceId, "dev1");
    assert.equal(masked.ids?.applicationId, "");
    assert.deepEqual(masked.ids?.devEui, new Uint8Array(0));
    assert.equal(masked.session?.lastFCntUp, 41);
    assert.equal(masked.session?.keys?.appSKey?.kekLabel, "as");
    assert.equal(masked.session?.keys?.fNwkSIntKey, undefined, "a sibling is not copied");
    assert.equal(masked.session?.devAddr.length, 0);
    assert.equal(masked.session?.startedAt, undefined);
    assert.ok(masked.macState, "in the source: created on the way");
    assert.ok(equals(MACStateSchema, masked.macState, create(MACStateSchema)));
    assert.equal(masked.macState?.desiredParameters, undefined, "not in the source: not created");
    const bare = applyFieldMask(DeviceSchema, create(DeviceSchema), ["session.keys.app_s_key"]);
    assert.equal(bare.session, undefined);
  });

  it("takes a field whole when a path names it, also beside paths into it", () => {
    const source = device();
    for (const paths of [
      ["session", "session.keys"],
      ["session.keys", "session"],
    ]) {
      const masked = applyFieldMask(DeviceSchema, source, paths);
      assert.ok(equals(DeviceSchema, masked, create(DeviceSchema, { session: source.session })));
    }
  });

  it("keeps explicit presence and oneof cases", () => {
    const source = device();
    const masked = applyFieldMask(DeviceSchema, source, [
      "mac_state.ping_slot_periodicity",
      "provisioning_data",
    ]);
    assert.equal(masked.macState?.pingSlotPeriodicity, 0, "set to zero stays set");
    assert.equal(masked.provisioning.case, undefined, "another case is not selected");
  });

  it("copies deeply: changing the result leaves the source alone", () => {
    const source = device();
    const before = device();
    const masked = applyFieldMask(DeviceSchema, source, ["session", "attributes", "mac_state"]);
    masked.session?.keys?.appSKey?.key.fill(0);
    if (masked.session) masked.session.lastFCntUp = 99;
    masked.attributes.site = "south";
    masked.macState?.recentUplinks.push(create(UplinkRecordSchema));
    assert.ok(equals(DeviceSchema, source, before));
  });

  it("selects everything with every top-level field", () => {
    const source = device();
    const all = DeviceSchema.fields.map((field) => field.name);
    assert.ok(equals(DeviceSchema, applyFieldMask(DeviceSchema, source, all), source));
    assert.ok(equals(DeviceSchema, applyFieldMask(DeviceSchema, source, []), create(DeviceSchema)));
  });
});

describe("mergeFieldMask", () => {
  it("sets the named paths and leaves the others", () => {
    const target = device();
    const source = create(DeviceSchema, {
      name: "renamed",
      session: { lastFCntUp: 42, keys: { appSKey: { kekLabel: "new" } } },
    });
    const merged = mergeFieldMask(DeviceSchema, target, source, [
      "name",
      "session.last_f_cnt_up",
      "session.keys.app_s_key.kek_label",
    ]);
    assert.equal(merged, target, "changes the target in place");
    assert.equal(target.name, "renamed");
    assert.equal(target.session?.lastFCntUp, 42);
    assert.equal(target.session?.keys?.appSKey?.kekLabel, "new");
    assert.deepEqual(
      target.session?.keys?.appSKey?.key,
      bytes("ec925802ae430ca77fd3dd73cb2cc588"),
      "a sibling of a nested path stays",
    );
    assert.deepEqual(target.attributes, { site: "north", floor: "2" });
    assert.equal(target.session?.devAddr.length, 4);
  });

  it("clears named paths that the source does not set, nested ones too", () => {
    const target = device();
    mergeFieldMask(DeviceSchema, target, create(DeviceSchema), [
      "attributes",
      "session.keys.app_s_key",
      "mac_state.ping_slot_periodicity",
      "provisioner_id",
      "frequency_plan_ids",
    ]);
    assert.deepEqual(target.attributes, {});
    assert.equal(target.session?.keys?.appSKey, undefined);
    assert.ok(target.session?.keys?.fNwkSIntKey, "the sibling stays");
    assert.equal(target.macState?.pingSlotPeriodicity, undefined);
    assert.equal(target.provisioning.case, undefined);
    assert.deepEqual(target.frequencyPlanIds, []);
  });

  it("creates the messages on the way when the target lacks them, and switches oneof cases", () => {
    const target = create(DeviceSchema, { provisioning: { case: "provisionerId", value: "x" } });
    mergeFieldMask(DeviceSchema, target, device(), [
      "mac_state.current_parameters.channels",
      "provisioning_data",
      "session.keys.nwk_s_enc_key",
    ]);
    assert.equal(target.macState?.currentParameters?.channels[0]?.uplinkFrequency, 868_100_000n);
    assert.equal(target.macState?.deviceClass, 0, "only the named path is copied");
    assert.deepEqual(
      target.provisioning,
      { case: "provisionerId", value: "x" },
      "clearing a case that is not selected leaves the selected one",
    );
    assert.equal(target.session?.keys?.nwkSEncKey, undefined);

    const source = create(DeviceSchema, {
      provisioning: { case: "provisioningData", value: { serial: "S1" } },
    });
    const switched = mergeFieldMask(DeviceSchema, target, source, ["provisioning_data.serial"]);
    assert.deepEqual(switched.provisioning, source.provisioning);
  });

  it("copies deeply: changing the source afterwards leaves the target alone", () => {
    const target = create(DeviceSchema);
    const source = device();
    mergeFieldMask(DeviceSchema, target, source, ["session", "attributes"]);
    source.session?.keys?.appSKey?.key.fill(0);
    source.attributes.site = "south";
    assert.deepEqual(target.session?.keys?.appSKey?.key, bytes("ec925802ae430ca77fd3dd73cb2cc588"));
    assert.equal(target.attributes.site, "north");
  });
});

describe("field mask paths", () => {
  const cases: { path: string; reason: RegExp }[] = [
    { path: "nope", reason: /has no field "nope"/ },
    { path: "session.keys.app_s_key.nope", reason: /KeyEnvelope has no field "nope"/ },
    { path: "name.first", reason: /name is a scalar field, not a message/ },
    { path: "attributes.site", reason: /attributes is a map field, not a message/ },
    { path: "mac_state.recent_uplinks.f_cnt", reason: /recent_uplinks is a list field/ },
    { path: "", reason: /has no field ""/ },
    { path: "session.", reason: /Session has no field ""/ },
    { path: "provisioning", reason: /has no field "provisioning"/ },
    { path: "session.keys.app_s_key.key.x", reason: /key is a scalar field/ },
  ];
  for (const { path, reason } of cases) {
    it(`refuses ${JSON.stringify(path)}, naming it`, () => {
      for (const paths of [[path], ["name", path]]) {
        assert.throws(
          () => applyFieldMask(DeviceSchema, device(), paths),
          (error: unknown) => {
            assert.ok(errInvalidFieldMaskPath.matches(error));
            assert.equal(error.attributes.path, path);
            assert.match(error.message, reason);
            return true;
          },
        );
      }
    });
  }

  it("checks a path under a field that is also taken whole", () => {
    assert.throws(() => checkFieldMask(DeviceSchema, ["session", "session.nope"]), /nope/);
    checkFieldMask(DeviceSchema, ["session", "session.keys.app_s_key.key"]);
  });
});

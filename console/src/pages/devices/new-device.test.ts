import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  deviceIdError,
  deviceIdFromEui,
  newDevice,
  phyLabel,
  phyOptions,
  phyVersions,
  type RegisterValues,
  randomHex,
  validateRegister,
} from "./new-device.ts";

const otaa: RegisterValues = {
  activation: "otaa",
  frequencyPlanId: "EU_863_870_TTN",
  lorawanVersion: "MAC_V1_0_3",
  lorawanPhyVersion: "PHY_V1_0_3_REV_A",
  devEui: "70b3d57ed0000001",
  joinEui: "00 00 00 00 00 00 00 00",
  deviceId: "eui-70b3d57ed0000001",
  name: "",
  appKey: "000102030405060708090a0b0c0d0e0f",
  nwkKey: "",
  devAddr: "",
  appSKey: "",
  fNwkSIntKey: "",
  sNwkSIntKey: "",
  nwkSEncKey: "",
  resetsFCnt: false,
};

describe("the registration form", () => {
  it("offers the band's PHY versions that go with the MAC version, newest first", () => {
    const band = [
      "PHY_V1_0",
      "PHY_V1_0_2_REV_A",
      "PHY_V1_0_2_REV_B",
      "PHY_V1_0_3_REV_A",
      "RP002_V1_0_3",
    ];
    assert.deepEqual(
      phyOptions("MAC_V1_0_2", band).map((option) => option.value),
      ["PHY_V1_0_2_REV_B", "PHY_V1_0_2_REV_A"],
    );
    assert.deepEqual(
      phyOptions("MAC_V1_0_4", band).map((option) => option.label),
      ["RP002 1.0.3"],
    );
    assert.deepEqual(phyOptions("MAC_V1_0_3", []), []);
  });

  it("generates distinct 16-byte keys as upper-case hex", () => {
    const a = randomHex();
    assert.match(a, /^[0-9A-F]{32}$/);
    assert.notEqual(a, randomHex());
    assert.match(randomHex(4), /^[0-9A-F]{8}$/);
  });

  it("checks IDs as TTS does and proposes one from the DevEUI", () => {
    assert.equal(deviceIdError("eui-70b3d57ed0000001"), null);
    assert.ok(deviceIdError("Bad_ID"));
    assert.ok(deviceIdError("a-"));
    assert.ok(deviceIdError("x".repeat(37)));
    assert.equal(deviceIdFromEui("70B3D57ED0000001"), "eui-70b3d57ed0000001");
    assert.equal(deviceIdFromEui("70B3"), "");
  });

  it("reports each missing or malformed field inline", () => {
    assert.deepEqual(validateRegister(otaa), {});
    const errors = validateRegister({
      ...otaa,
      devEui: "12",
      appKey: "",
      lorawanVersion: "MAC_V1_1",
      lorawanPhyVersion: "",
    });
    assert.deepEqual(Object.keys(errors).sort(), [
      "appKey",
      "devEui",
      "lorawanPhyVersion",
      "nwkKey",
    ]);
    assert.equal(errors.devEui, "DevEUI must be 16 hex digits");
    const abp = validateRegister({ ...otaa, activation: "abp", devEui: "" });
    assert.deepEqual(Object.keys(abp).sort(), ["appSKey", "devAddr", "fNwkSIntKey"]);
    assert.equal(abp.fNwkSIntKey, "NwkSKey is required");
  });

  it("makes an OTAA device with its root keys for the Join Server", () => {
    const { device, paths } = newDevice("app1", otaa, "lorawan.example.com");
    assert.deepEqual(device.ids, {
      application_ids: { application_id: "app1" },
      device_id: "eui-70b3d57ed0000001",
      dev_eui: "70B3D57ED0000001",
      join_eui: "0000000000000000",
    });
    assert.deepEqual(device.root_keys, { app_key: { key: "000102030405060708090A0B0C0D0E0F" } });
    assert.equal(device.supports_join, true);
    assert.equal(device.join_server_address, "lorawan.example.com");
    assert.ok(paths.includes("root_keys.app_key.key"));
    assert.ok(!paths.includes("root_keys.nwk_key.key"));
    assert.ok(!paths.includes("name"), "no empty name");
  });

  it("makes an ABP 1.1 device with its four session keys and the frame counter reset", () => {
    const key = "11".repeat(16);
    const { device, paths } = newDevice(
      "app1",
      {
        ...otaa,
        activation: "abp",
        lorawanVersion: "MAC_V1_1",
        lorawanPhyVersion: "PHY_V1_1_REV_B",
        devAddr: "260b0001",
        appSKey: key,
        fNwkSIntKey: key,
        sNwkSIntKey: key,
        nwkSEncKey: key,
        resetsFCnt: true,
      },
      "host",
    );
    assert.equal(device.supports_join, false);
    assert.equal(device.root_keys, undefined);
    assert.equal((device.session as { dev_addr: string }).dev_addr, "260B0001");
    assert.deepEqual(device.mac_settings, { resets_f_cnt: { value: true } });
    for (const path of [
      "session.dev_addr",
      "session.keys.app_s_key.key",
      "session.keys.s_nwk_s_int_key.key",
      "session.keys.nwk_s_enc_key.key",
      "mac_settings.resets_f_cnt",
    ])
      assert.ok(paths.includes(path), path);
    assert.ok(!paths.includes("ids.join_eui"));
  });
});

describe("regional parameters versions", () => {
  it("lists every version once, newest first, each with a label", () => {
    assert.equal(phyVersions[0], "RP002_V1_0_4");
    assert.equal(phyVersions.at(-1), "PHY_V1_0");
    assert.equal(new Set(phyVersions).size, phyVersions.length);
    for (const version of phyVersions) assert.notEqual(phyLabel(version), version);
  });
});

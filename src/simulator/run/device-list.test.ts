import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readDeviceList } from "./device-list.ts";

const key = (byte: string) => ({ key: byte.repeat(16) });

const otaa103 = {
  ids: {
    device_id: "dev-1",
    application_ids: { application_id: "app1" },
    dev_eui: "70B3D57ED0000001",
    join_eui: "70B3D57ED0000000",
  },
  lorawan_version: "MAC_V1_0_3",
  lorawan_phy_version: "PHY_V1_0_3_REV_A",
  frequency_plan_id: "EU_863_870_TTN",
  supports_join: true,
  root_keys: { app_key: key("11") },
  // What a merged `get` also holds, and what the list does not need.
  name: "Device one",
  mac_state: { current_parameters: { rx1_delay: 5 } },
  some_future_field: { nested: true },
};

const abp11 = {
  ids: { device_id: "dev-2", application_ids: { application_id: "app1" } },
  lorawan_version: "1.1",
  supports_class_c: true,
  session: {
    dev_addr: "260B0002",
    last_f_cnt_up: 41,
    keys: {
      app_s_key: key("aa"),
      f_nwk_s_int_key: key("bb"),
      s_nwk_s_int_key: key("cc"),
      nwk_s_enc_key: key("dd"),
    },
  },
};

describe("readDeviceList", () => {
  it("reads one device per line, as The Things Stack writes them, skipping unknown fields", () => {
    const [one, two] = readDeviceList(`${JSON.stringify(otaa103)}\n\n${JSON.stringify(abp11)}\n`);
    assert.deepEqual(one, {
      applicationId: "app1",
      deviceId: "dev-1",
      devEui: "70B3D57ED0000001",
      joinEui: "70B3D57ED0000000",
      version: "1.0.3",
      deviceClass: "A",
      frequencyPlanId: "EU_863_870_TTN",
      activation: { mode: "otaa", appKey: "11".repeat(16).toUpperCase() },
    });
    // The enum alias "1.1", class C, and the session's next frame counter.
    assert.deepEqual(two, {
      applicationId: "app1",
      deviceId: "dev-2",
      devEui: "0000000000000000",
      joinEui: "0000000000000000",
      version: "1.1",
      deviceClass: "C",
      frequencyPlanId: "",
      activation: {
        mode: "abp",
        devAddr: "260B0002",
        appSKey: "AA".repeat(16),
        fNwkSIntKey: "BB".repeat(16),
        sNwkSIntKey: "CC".repeat(16),
        nwkSEncKey: "DD".repeat(16),
        fCntUp: 42,
      },
    });
  });

  it("reads a JSON array and a list call's answer alike", () => {
    const fromArray = readDeviceList(JSON.stringify([otaa103, abp11]));
    const fromAnswer = readDeviceList(JSON.stringify({ end_devices: [otaa103, abp11] }));
    assert.deepEqual(fromAnswer, fromArray);
    assert.equal(fromArray.length, 2);
    assert.equal(readDeviceList(JSON.stringify(otaa103)).length, 1, "a single device");
  });

  it("needs both root keys of a LoRaWAN 1.1 OTAA device", () => {
    const device = { ...otaa103, lorawan_version: "MAC_V1_1", root_keys: { app_key: key("11") } };
    assert.throws(
      () => readDeviceList(JSON.stringify(device)),
      /root_keys\.nwk_key\.key is required/,
    );
    const both = { ...device, root_keys: { app_key: key("11"), nwk_key: key("22") } };
    const [listed] = readDeviceList(JSON.stringify(both));
    assert.deepEqual(listed?.activation, {
      mode: "otaa",
      appKey: "11".repeat(16),
      nwkKey: "22".repeat(16),
    });
  });

  const refusals: [string, unknown, RegExp][] = [
    [
      "no root keys",
      { ...otaa103, root_keys: undefined },
      /device 1 \(dev-1\): root_keys\.app_key\.key is required/,
    ],
    [
      "an encrypted key",
      {
        ...otaa103,
        root_keys: {
          app_key: { encrypted_key: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", kek_label: "vault" },
        },
      },
      /encrypted \(kek_label "vault"\)/,
    ],
    [
      "a version not simulated",
      { ...otaa103, lorawan_version: "MAC_V1_0" },
      /MAC_V1_0 is not simulated/,
    ],
    ["no session of an ABP device", { ...abp11, session: undefined }, /needs session\.dev_addr/],
    [
      "no ids",
      { lorawan_version: "MAC_V1_0_3" },
      /ids\.device_id and ids\.application_ids\.application_id are required/,
    ],
    ["a bad value", { ...otaa103, ids: { ...otaa103.ids, dev_eui: "XYZ" } }, /device 1: .*dev_eui/],
  ];
  for (const [what, device, message] of refusals) {
    it(`refuses ${what}, naming where`, () => {
      assert.throws(
        () => readDeviceList(JSON.stringify(device)),
        (error: Error & { name?: string }) =>
          message.test(error.message) && error.message.startsWith("--devices-file"),
      );
    });
  }

  it("refuses a line that is not JSON, an empty list and a device listed twice", () => {
    assert.throws(() => readDeviceList(`${JSON.stringify(otaa103)}\n{oops`), /line 2: not JSON/);
    assert.throws(() => readDeviceList("  \n"), /holds no device/);
    assert.throws(() => readDeviceList("[]"), /holds no device/);
    assert.throws(
      () => readDeviceList(`${JSON.stringify(otaa103)}\n${JSON.stringify(otaa103)}`),
      /line 2: app1\/dev-1 is listed twice/,
    );
  });
});

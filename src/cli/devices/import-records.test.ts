import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errImportFile } from "./errors.ts";
import { parseImport } from "./import-records.ts";

const defaults = {
  applicationId: "app1",
  frequencyPlanId: "EU_863_870_TTN",
  lorawanVersion: "MAC_V1_0_3",
  lorawanPhyVersion: "PHY_V1_0_3_REV_A",
};

describe("import records", () => {
  it("reads the Console's CSV: `;`, quotes, ID from the DevEUI, defaults, bad rows alone", () => {
    const text = [
      "dev_eui;app_eui;app_key;name;unknown_column",
      '70B3D57ED0000001;70B3D57ED0000000;00112233445566778899AABBCCDDEEFF;"a; ""b""";x',
      "nothex;70B3D57ED0000000;00112233445566778899AABBCCDDEEFF;c;x",
      "",
    ].join("\n");
    const [first, second] = parseImport(text, "f.csv", defaults);
    assert.equal(first?.line, 2);
    assert.equal(first?.deviceId, "70b3d57ed0000001");
    assert.deepEqual(first?.change?.device, {
      ids: {
        device_id: "70b3d57ed0000001",
        application_ids: { application_id: "app1" },
        dev_eui: "70B3D57ED0000001",
        join_eui: "70B3D57ED0000000",
      },
      root_keys: { app_key: { key: "00112233445566778899AABBCCDDEEFF" } },
      name: 'a; "b"',
      supports_join: true,
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
    });
    assert.equal(second?.line, 3);
    assert.match(second?.error ?? "", /dev_eui/);
  });

  it("makes a row with a session and no AppKey ABP", () => {
    const text =
      "id,dev_eui,dev_addr,app_s_key,f_nwk_s_int_key,last_f_cnt_up\n" +
      "abp-1,70B3D57ED0000009,260B0001,00112233445566778899AABBCCDDEEFF,00112233445566778899AABBCCDDEEF0,42\n";
    const [row] = parseImport(text, "f.csv", defaults);
    assert.equal(row?.change?.device.supports_join, false);
    assert.ok(row?.change?.paths.includes("session.keys.app_s_key.key"));
    assert.deepEqual(
      (row?.change?.device.session as { last_f_cnt_up?: number } | undefined)?.last_f_cnt_up,
      42,
    );
  });

  it("reads JSON lines and arrays of TTS's end device JSON; a 1.0 session's copies are left out", () => {
    const device = {
      ids: {
        device_id: "dev-1",
        application_ids: { application_id: "other" },
        dev_eui: "70B3D57ED0000001",
      },
      created_at: "2026-12-06T00:00:00Z",
      lorawan_version: "1.0.3",
      supports_join: false,
      mac_state: { x: 1 },
      no_such_field: 1,
      session: {
        dev_addr: "260B0001",
        keys: {
          f_nwk_s_int_key: { key: "00112233445566778899AABBCCDDEEFF" },
          s_nwk_s_int_key: { key: "00112233445566778899AABBCCDDEEFF" },
          app_s_key: { key: "00112233445566778899AABBCCDDEEF0" },
        },
      },
    };
    const stream = `${JSON.stringify(device)}\n{"ids": {"device_id": "BAD"}}\n${JSON.stringify(device, null, 2)}\n`;
    const records = parseImport(stream, "f.json", defaults);
    assert.deepEqual(
      records.map((record) => [record.line, record.deviceId ?? record.error]),
      [
        [1, "dev-1"],
        [2, records[1]?.error],
        [3, "dev-1"],
      ],
    );
    assert.match(records[1]?.error ?? "", /BAD/);
    const change = records[0]?.change;
    assert.equal(
      (change?.device.ids as { application_ids: { application_id: string } } | undefined)
        ?.application_ids.application_id,
      "other",
    );
    assert.equal(change?.device.lorawan_version, "MAC_V1_0_3");
    assert.deepEqual(change?.paths.filter((path) => path.startsWith("session")).sort(), [
      "session.dev_addr",
      "session.keys.app_s_key.key",
      "session.keys.f_nwk_s_int_key.key",
    ]);
    assert.ok(
      !change?.paths.some((path) => path.startsWith("mac_state") || path === "no_such_field"),
    );
    assert.equal(parseImport(JSON.stringify([device, device]), "f.json", defaults).length, 2);
  });

  it("refuses a file that is neither", () => {
    assert.throws(
      () => parseImport("", "f", defaults),
      (e) => errImportFile.matches(e),
    );
    assert.throws(
      () => parseImport("[1,", "f", defaults),
      (e) => errImportFile.matches(e),
    );
  });
});

// A user migrating from The Things Stack registers, reads, lists, updates and deletes end
// devices in the Identity Server with the requests TTS's documentation and scripts send: the
// `{end_device, field_mask}` bodies, versions spelled "1.0.3" and "MAC_V1_0_3", and whole-device
// bodies whose Network, Application and Join Server fields the Identity Server ignores (as
// TTS's does) instead of refusing them.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-migrating-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({ dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : {}) as ApiJson,
  };
}

async function ok(method: string, path: string, body?: unknown): Promise<ApiJson> {
  const answer = await api(method, path, body);
  assert.equal(answer.status, 200, `${method} ${path}: ${JSON.stringify(answer.json)}`);
  return answer.json;
}

describe("a user migrating from The Things Stack", () => {
  it("registers OTAA and ABP devices, reads, lists, updates and deletes them", async () => {
    await ok("POST", "/users/admin/applications", {
      application: { ids: { application_id: "migrated-app" }, name: "Migrated" },
    });

    // OTAA, the Identity Server step of TTS's "Adding devices using HTTP": a field mask in
    // the body of a request whose message has none.
    const otaa = await ok("POST", "/applications/migrated-app/devices", {
      end_device: {
        ids: {
          device_id: "otaa-device",
          dev_eui: "70B3D57ED0000001",
          join_eui: "0000000000000001",
          application_ids: { application_id: "migrated-app" },
        },
        name: "OTAA device",
        join_server_address: "lns.example.com",
        network_server_address: "lns.example.com",
        application_server_address: "lns.example.com",
      },
      field_mask: {
        paths: [
          "name",
          "join_server_address",
          "network_server_address",
          "application_server_address",
          "ids.dev_eui",
          "ids.join_eui",
        ],
      },
    });
    assert.equal(otaa.ids.dev_eui, "70B3D57ED0000001");
    assert.equal(otaa.name, "OTAA device");

    // ABP, as a script sends the whole device to every registry: versions as "1.0.3" and
    // "MAC_V1_0_3", the NS/AS/JS fields with TTS's wrapper values, a mask naming all of them.
    const abpDevice = {
      ids: {
        device_id: "abp-device",
        dev_eui: "70B3D57ED0000002",
        application_ids: { application_id: "migrated-app" },
      },
      name: "ABP device",
      network_server_address: "lns.example.com",
      application_server_address: "lns.example.com",
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "1.0.3-a",
      frequency_plan_id: "EU_863_870_TTN",
      supports_join: false,
      mac_settings: { rx1_delay: 1, desired_rx2_frequency: "869525000" },
      session: {
        dev_addr: "260B1234",
        keys: {
          app_s_key: { key: "000102030405060708090A0B0C0D0E0F" },
          f_nwk_s_int_key: { key: "0F0E0D0C0B0A09080706050403020100" },
        },
      },
    };
    const abp = await ok("POST", "/applications/migrated-app/devices", {
      end_device: abpDevice,
      field_mask: {
        paths: [
          "name",
          "network_server_address",
          "application_server_address",
          "lorawan_version",
          "lorawan_phy_version",
          "frequency_plan_id",
          "supports_join",
          "mac_settings.rx1_delay",
          "mac_settings.desired_rx2_frequency",
          "session.dev_addr",
          "session.keys.app_s_key.key",
          "session.keys.f_nwk_s_int_key.key",
        ],
      },
    });
    assert.equal(abp.name, "ABP device");
    assert.equal(abp.ids.dev_eui, "70B3D57ED0000002");

    // Read back, naming the Network Server's fields too: the Identity Server's are answered.
    const read = await ok(
      "GET",
      "/applications/migrated-app/devices/abp-device?field_mask=name,network_server_address,lorawan_version,session.dev_addr",
    );
    assert.equal(read.name, "ABP device");
    assert.equal(read.network_server_address, "lns.example.com");
    assert.equal(read.lorawan_version, undefined, "the Network Server keeps the MAC version");
    assert.equal(read.session, undefined, "the Network Server keeps the session");

    const listed = await api(
      "GET",
      "/applications/migrated-app/devices?field_mask=name,lorawan_version&order=device_id",
    );
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.equal(listed.headers.get("x-total-count"), "2");
    assert.deepEqual(
      listed.json.end_devices.map((device: ApiJson) => [device.ids.device_id, device.name]),
      [
        ["abp-device", "ABP device"],
        ["otaa-device", "OTAA device"],
      ],
    );

    // An update naming both the Identity Server's and the Network Server's fields changes what
    // the Identity Server keeps and ignores the rest.
    const updated = await ok("PUT", "/applications/migrated-app/devices/otaa-device", {
      end_device: {
        ids: { device_id: "otaa-device", application_ids: { application_id: "migrated-app" } },
        name: "Renamed",
        lorawan_version: "1.0.3",
        frequency_plan_id: "EU_863_870_TTN",
      },
      field_mask: { paths: ["name", "lorawan_version", "frequency_plan_id"] },
    });
    assert.equal(updated.name, "Renamed");
    assert.equal(
      (await ok("GET", "/applications/migrated-app/devices/otaa-device?field_mask=name")).name,
      "Renamed",
    );

    // A path that names no field of the end device is still refused.
    const typo = await api("GET", "/applications/migrated-app/devices/otaa-device?field_mask=nmae");
    assert.equal(typo.status, 400, JSON.stringify(typo.json));

    for (const device of ["otaa-device", "abp-device"])
      await ok("DELETE", `/applications/migrated-app/devices/${device}`);
    const empty = await api("GET", "/applications/migrated-app/devices");
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get("x-total-count"), "0");
    assert.deepEqual(empty.json.end_devices ?? [], []);
  });
});

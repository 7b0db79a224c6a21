import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { rest, restOk } from "../harness/rest-client.ts";

// Issue 11: the Join Server's device registry over REST with The Things Stack's JSON, through
// the real program: root keys only to keys with RIGHT_APPLICATION_DEVICES_READ_KEYS that ask
// for them, never in plain in the database file.

const APP_KEY = "A1A2A3A4A5A6A7A8A9AAABACADAEAF01";
const DEV_EUI = "70B3D57ED0000001";
const JOIN_EUI = "70B3D57ED0000000";
const devicePath = "/js/applications/app-js/devices/dev-1";

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;
let readerKey: string;

const call = (method: string, path: string, key?: string, body?: unknown) =>
  rest(stack.httpUrl, method, path, { key, body });
const ok = (method: string, path: string, body?: unknown, key = adminKey) =>
  restOk(stack.httpUrl, method, path, { key, body });

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-js-registry-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({
    dataDir,
    env: { LORASTACK_JS_JOIN_EUI_PREFIXES: "70B3D57ED0000000/56" },
  });
  await ok("POST", "/users/admin/applications", {
    application: { ids: { application_id: "app-js" } },
  });
  const reader = await ok("POST", "/applications/app-js/api-keys", {
    name: "no keys",
    rights: ["RIGHT_APPLICATION_DEVICES_READ", "RIGHT_APPLICATION_DEVICES_WRITE"],
  });
  readerKey = reader.key;
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Join Server device registry over REST", () => {
  it("stores root keys and hands them out only to keys with READ_KEYS that ask for them", async () => {
    const created = await ok("PUT", devicePath, {
      end_device: {
        ids: {
          device_id: "dev-1",
          application_ids: { application_id: "app-js" },
          dev_eui: DEV_EUI,
          join_eui: JOIN_EUI,
        },
        root_keys: { app_key: { key: APP_KEY } },
        net_id: "000013",
      },
      field_mask: { paths: ["root_keys.app_key.key", "net_id"] },
    });
    assert.equal(created.ids.dev_eui, DEV_EUI);
    assert.equal(created.root_keys.app_key.key, APP_KEY);
    assert.equal(created.net_id, "000013");

    const plain = await ok("GET", devicePath);
    assert.equal(plain.ids.join_eui, JOIN_EUI);
    assert.equal(plain.root_keys, undefined, "no keys without a field mask naming them");
    assert.ok(plain.created_at && plain.updated_at);

    const keys = await ok("GET", `${devicePath}?field_mask=root_keys.app_key.key,net_id`);
    assert.deepEqual(keys.root_keys, { app_key: { key: APP_KEY } });
    assert.equal(keys.net_id, "000013");

    const refused = await call("GET", `${devicePath}?field_mask=root_keys.app_key.key`, readerKey);
    assert.equal(refused.status, 403, JSON.stringify(refused.json));
    assert.equal(refused.json.code, 7);
    const withoutKeys = await call("GET", devicePath, readerKey);
    assert.equal(withoutKeys.status, 200);
    assert.equal(withoutKeys.json.root_keys, undefined);

    const forbidden = await call("GET", `${devicePath}?field_mask=name`, adminKey);
    assert.equal(forbidden.status, 400);
    assert.match(forbidden.json.message, /forbidden path/);

    // The key is wrapped at rest: its bytes are nowhere in the database files.
    const key = Buffer.from(APP_KEY, "hex");
    const files = (await readdir(dataDir)).filter((file) => file.startsWith("lorastack.db"));
    assert.ok(files.length > 0, "the database file is in the data directory");
    for (const file of files) {
      const bytes = await readFile(join(dataDir, file));
      assert.ok(!bytes.includes(key), `${file} holds the plain AppKey`);
    }
  });

  it("answers the JoinEUI prefixes and the default JoinEUI to anyone", async () => {
    assert.deepEqual((await call("GET", "/js/join_eui_prefixes")).json, {
      prefixes: [{ join_eui: JOIN_EUI, length: 56 }],
    });
    assert.deepEqual((await call("GET", "/js/default_join_eui")).json, {
      join_eui: "0000000000000000",
    });
  });

  it("deletes the device", async () => {
    const refused = await call("DELETE", devicePath);
    assert.equal(refused.status, 401);
    assert.deepEqual(await ok("DELETE", devicePath), {});
    const gone = await call("GET", devicePath, adminKey);
    assert.equal(gone.status, 404, JSON.stringify(gone.json));
    assert.equal((await call("DELETE", devicePath, adminKey)).status, 404);
  });
});

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import {
  type LogLine,
  type LorastackProcess,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { restOk } from "../harness/rest-client.ts";

// Issue 11: rotating the Join Server's at-rest KEK (`js.device_kek_label`). The next start
// re-wraps the stored root keys in the background; keys under the old KEK read meanwhile.

const APP_KEY = "B1B2B3B4B5B6B7B8B9BABBBCBDBEBF02";
const devicePath = "/js/applications/app-rot/devices/dev-1";
const vault = {
  LORASTACK_KEY_VAULT_KEYS: [
    "kek-default:000102030405060708090a0b0c0d0e0f",
    "kek-before:101112131415161718191a1b1c1d1e1f",
    "kek-after:202122232425262728292a2b2c2d2e2f",
  ].join(","),
  LORASTACK_KEY_VAULT_DEFAULT_LABEL: "kek-default",
};

let dataDir: string;
let adminKey: string;
let stack: LorastackProcess | undefined;

const ok = (method: string, path: string, body?: unknown) =>
  restOk(stack?.httpUrl ?? "", method, path, { key: adminKey, body });

/** Resolves with the first log line that matches, as the process writes it. */
function logLine(process: LorastackProcess, matches: (line: LogLine) => boolean): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = process.logs.find(matches);
      if (!found) return false;
      process.child.stdout?.off("data", check);
      process.child.off("exit", exited);
      resolve(found);
      return true;
    };
    const exited = () => reject(new Error(`exited before the log line:\n${process.stderr()}`));
    if (check()) return;
    // The harness parses each chunk in its own listener, registered before this one.
    process.child.stdout?.on("data", check);
    process.child.once("exit", exited);
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-js-rotation-"));
  adminKey = await initialize(dataDir, vault);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it("re-wraps stored root keys with the new KEK after a restart, reading them throughout", {
  timeout: 120_000,
}, async () => {
  stack = await startLorastack({
    dataDir,
    env: { ...vault, LORASTACK_JS_DEVICE_KEK_LABEL: "kek-before" },
  });
  await ok("POST", "/users/admin/applications", {
    application: { ids: { application_id: "app-rot" } },
  });
  await ok("PUT", devicePath, {
    end_device: {
      ids: {
        device_id: "dev-1",
        application_ids: { application_id: "app-rot" },
        dev_eui: "70B3D57ED0000002",
        join_eui: "70B3D57ED0000000",
      },
      root_keys: { app_key: { key: APP_KEY } },
    },
    field_mask: { paths: ["root_keys.app_key.key"] },
  });
  const first = stack;
  assert.equal(
    first.logs.some((line) => line.msg === "re-wrapped stored keys"),
    false,
    "nothing to re-wrap on the first start",
  );
  await first.stop();

  stack = await startLorastack({
    dataDir,
    env: { ...vault, LORASTACK_JS_DEVICE_KEK_LABEL: "kek-after" },
  });
  const rewrapped = await logLine(stack, (line) => line.msg === "re-wrapped stored keys");
  assert.equal(rewrapped.changed, 1);
  assert.equal(rewrapped.kek_label, "kek-after");
  const read = await ok("GET", `${devicePath}?field_mask=root_keys.app_key.key`);
  assert.deepEqual(read.root_keys, { app_key: { key: APP_KEY } });
  await stack.stop();

  // The old KEK can go: every key is under the new one now.
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_KEY_VAULT_KEYS: [
        "kek-default:000102030405060708090a0b0c0d0e0f",
        "kek-after:202122232425262728292a2b2c2d2e2f",
      ].join(","),
      LORASTACK_KEY_VAULT_DEFAULT_LABEL: "kek-default",
      LORASTACK_JS_DEVICE_KEK_LABEL: "kek-after",
    },
  });
  const again = await ok("GET", `${devicePath}?field_mask=root_keys.app_key.key`);
  assert.deepEqual(again.root_keys, { app_key: { key: APP_KEY } });
});

/**
 * The CLI's end device commands against a real `bin/lorastack start` (every component): each
 * CLI run is a child process with its own HOME and XDG_CONFIG_HOME; what the CLI did is checked
 * through each registry's own REST API. The Join Server serves only JoinEUIs of
 * 70B3D57ED0000000/40, so that a refusal by a later registry can be provoked.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertUsageError, cliHarness } from "../harness/cli.ts";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { type Json, rest, restOk } from "../harness/rest-client.ts";

const app = "cli-devices";
const joinEui = "70B3D57ED0000000";
const otaaFlags = [
  "--join-eui",
  joinEui,
  "--frequency-plan-id",
  "EU_863_870_TTN",
  "--lorawan-version",
  "1.0.3",
  "--lorawan-phy-version",
  "1.0.3-a",
];

let dataDir: string;
let home: string;
let stack: LorastackProcess;
let adminKey: string;

const { cli, cliJson } = cliHarness(() => ({ home, server: stack.httpUrl }));

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-devices-"));
  home = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-devices-home-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_JS_JOIN_EUI_PREFIXES: `${joinEui}/40`,
      LORASTACK_NS_NET_ID: "000013",
      LORASTACK_NS_DEV_ADDR_PREFIXES: "260B0000/16",
    },
  });
  const login = await cli(["login", "--api-key", "-"], { input: adminKey });
  assert.equal(login.code, 0, login.stderr);
  await cliJson(["applications", "create", app, "--user-id", "admin"]);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

/** A registry's part of the device through its own REST API (`""` is the IS). */
function registryGet(prefix: string, device: string, mask: string) {
  return rest(
    stack.httpUrl,
    "GET",
    `${prefix}/applications/${app}/devices/${device}?field_mask=${mask}`,
    { key: adminKey },
  );
}

async function assertNowhere(device: string): Promise<void> {
  for (const prefix of ["", "/js", "/ns", "/as"]) {
    const answer = await registryGet(prefix, device, "ids");
    assert.equal(answer.status, 404, `${prefix || "IS"} still has ${device}`);
  }
}

describe("lorastack end-devices create, get, update, delete", () => {
  it("creates an OTAA device in all four registries, generating its root keys", async () => {
    const created = await cliJson([
      "end-devices",
      "create",
      app,
      "otaa-1",
      "--dev-eui",
      "70B3D57ED0000001",
      ...otaaFlags,
      "--with-root-keys",
      "--name",
      "First",
      "--attributes",
      "site=north",
    ]);
    const appKey = created.root_keys.app_key.key;
    assert.match(appKey, /^[0-9A-F]{32}$/);
    const is = (await registryGet("", "otaa-1", "name,attributes,join_server_address")).json;
    assert.equal(is.name, "First");
    assert.deepEqual(is.attributes, { site: "north" });
    assert.equal(is.ids.dev_eui, "70B3D57ED0000001");
    assert.ok(is.join_server_address);
    const js = (await registryGet("/js", "otaa-1", "root_keys")).json;
    assert.equal(js.root_keys.app_key.key, appKey);
    assert.equal(js.ids.join_eui, joinEui);
    const ns = (
      await registryGet(
        "/ns",
        "otaa-1",
        "frequency_plan_id,lorawan_version,lorawan_phy_version,supports_join",
      )
    ).json;
    assert.equal(ns.frequency_plan_id, "EU_863_870_TTN");
    assert.equal(ns.lorawan_version, "MAC_V1_0_3");
    assert.equal(ns.lorawan_phy_version, "PHY_V1_0_3_REV_A");
    assert.equal(ns.supports_join, true);
    assert.equal((await registryGet("/as", "otaa-1", "ids")).status, 200);
  });

  it("creates an ABP device with a generated session: DevAddr from the NS, keys in the NS and AS", async () => {
    const created = await cliJson([
      "devices",
      "create",
      app,
      "abp-1",
      "--abp",
      "--with-session",
      "--dev-eui",
      "70B3D57ED0000002",
      "--frequency-plan-id",
      "EU_863_870_TTN",
      "--lorawan-version",
      "MAC_V1_0_3",
      "--lorawan-phy-version",
      "PHY_V1_0_3_REV_A",
      "--session.keys.app-s-key.key",
      "000102030405060708090a0b0c0d0e0f",
    ]);
    assert.match(created.session.dev_addr, /^260B[0-9A-F]{4}$/);
    const ns = (await registryGet("/ns", "abp-1", "session,supports_join")).json;
    assert.equal(ns.session.dev_addr, created.session.dev_addr);
    assert.equal(ns.session.keys.f_nwk_s_int_key.key, created.session.keys.f_nwk_s_int_key.key);
    assert.notEqual(ns.supports_join, true);
    const as = (await registryGet("/as", "abp-1", "session")).json;
    assert.equal(as.session.keys.app_s_key.key, "000102030405060708090A0B0C0D0E0F");
    assert.equal((await registryGet("/js", "abp-1", "ids")).status, 404);
  });

  it("gets the device merged from the registries, keys only when asked", async () => {
    const plain = await cliJson(["dev", "get", app, "otaa-1", "--all"]);
    assert.equal(plain.name, "First");
    assert.equal(plain.frequency_plan_id, "EU_863_870_TTN");
    assert.equal(plain.root_keys, undefined);
    const withKeys = await cliJson(["dev", "get", app, "otaa-1", "--name", "--with-root-keys"]);
    assert.match(withKeys.root_keys.app_key.key, /^[0-9A-F]{32}$/);
    assert.equal(withKeys.frequency_plan_id, undefined);
    const abp = await cliJson(["dev", "get", app, "abp-1", "--with-session", "--lorawan-version"]);
    assert.equal(abp.session.keys.app_s_key.key, "000102030405060708090A0B0C0D0E0F");
    assert.match(abp.session.keys.f_nwk_s_int_key.key, /^[0-9A-F]{32}$/);
    assert.equal(abp.lorawan_version, "MAC_V1_0_3");
    const listed = await cliJson(["dev", "list", app, "--name"]);
    assert.deepEqual(listed.map((device: Json) => device.ids.device_id).sort(), [
      "abp-1",
      "otaa-1",
    ]);
  });

  it("routes each updated field to the registry that keeps it", async () => {
    const newKey = "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";
    await cliJson([
      "end-devices",
      "update",
      app,
      "otaa-1",
      "--name",
      "Renamed",
      "--supports-class-c",
      "--formatters.up-formatter",
      "FORMATTER_CAYENNELPP",
      "--root-keys.app-key.key",
      newKey,
    ]);
    assert.equal((await registryGet("", "otaa-1", "name")).json.name, "Renamed");
    assert.equal(
      (await registryGet("/ns", "otaa-1", "supports_class_c")).json.supports_class_c,
      true,
    );
    assert.equal(
      (await registryGet("/as", "otaa-1", "formatters")).json.formatters.up_formatter,
      "FORMATTER_CAYENNELPP",
    );
    assert.equal(
      (await registryGet("/js", "otaa-1", "root_keys")).json.root_keys.app_key.key,
      newKey,
    );
    const nothing = await cli(["end-devices", "update", app, "otaa-1"]);
    assert.equal(nothing.code, 2);
  });

  it("deletes from all four registries, past those without the device", async () => {
    const otaa = await cli(["end-devices", "delete", app, "otaa-1"]);
    assert.equal(otaa.code, 0, otaa.stderr);
    await assertNowhere("otaa-1");
    const abp = await cli(["end-devices", "delete", app, "abp-1"]);
    assert.equal(abp.code, 0, abp.stderr);
    assert.match(abp.stderr, /abp-1 was not in the Join Server/);
    await assertNowhere("abp-1");
    const again = await cli(["end-devices", "delete", app, "abp-1"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not_found/);
  });

  it("rolls back what earlier registries created when a later one refuses", async () => {
    // The Network Server knows no such frequency plan: the IS and JS registrations go.
    const plan = await cli([
      "end-devices",
      "create",
      app,
      "bad-plan",
      "--dev-eui",
      "70B3D57ED0000003",
      ...otaaFlags.slice(0, 2),
      "--frequency-plan-id",
      "NO_SUCH_PLAN",
      "--lorawan-version",
      "1.0.3",
      "--lorawan-phy-version",
      "1.0.3-a",
      "--with-root-keys",
    ]);
    assert.equal(plan.code, 1, plan.stderr);
    assert.match(plan.stderr, /correlation id/);
    assert.match(plan.stderr, /rolled back: deleted bad-plan from the Join Server/);
    await assertNowhere("bad-plan");
    // The Join Server does not serve this JoinEUI: the IS registration goes.
    const js = await cli([
      "end-devices",
      "create",
      app,
      "bad-join-eui",
      "--dev-eui",
      "70B3D57ED0000004",
      "--join-eui",
      "0000000000000001",
      ...otaaFlags.slice(2),
      "--with-root-keys",
    ]);
    assert.equal(js.code, 1, js.stderr);
    assert.match(js.stderr, /join_eui/i);
    await assertNowhere("bad-join-eui");
  });

  it("refuses a DevEUI that exists (the API's 409, exit 1)", async () => {
    const args = ["end-devices", "create", app, "--dev-eui", "70B3D57ED0000005", ...otaaFlags];
    assert.equal((await cli([...args.slice(0, 3), "dup-1", ...args.slice(3)])).code, 0);
    const second = await cli([...args.slice(0, 3), "dup-2", ...args.slice(3)]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /already_exists|taken/);
    assert.equal((await registryGet("", "dup-1", "ids")).status, 200);
    await assertNowhere("dup-2");
  });

  it("reports usage errors with exit 2 before any call", async () => {
    const cases = [
      ["--dev-eui", "70B3D57ED00000"],
      ["--dev-eui", "70B3D57ED0000006", "--lorawan-version", "1.0.9"],
      ["--dev-eui", "70B3D57ED0000006", "--root-keys.app-key.key", "0011"],
      ["--dev-eui", "70B3D57ED0000006", "--abp", "--otaa"],
    ];
    for (const extra of cases) {
      const result = await cli(["end-devices", "create", app, "usage-1", ...otaaFlags, ...extra]);
      assertUsageError(result, extra.join(" "));
    }
    assert.equal((await cli(["end-devices", "get", app, "Not_An_Id"])).code, 2);
    await assertNowhere("usage-1");
  });
});

describe("lorastack end-devices import", () => {
  it("imports 1,000 devices from the Console's CSV, with a summary", async () => {
    const rows = Array.from(
      { length: 1000 },
      (_, i) =>
        `bulk-${i};70B3D57EE${i.toString(16).toUpperCase().padStart(7, "0")};${joinEui};${i.toString(16).padStart(32, "0")};Device ${i}`,
    );
    const file = join(home, "bulk.csv");
    await writeFile(file, ["id;dev_eui;join_eui;app_key;name", ...rows].join("\n"));
    const started = performance.now();
    const result = await cli(
      [
        "end-devices",
        "import",
        file,
        "--application-id",
        app,
        "--frequency-plan-id",
        "EU_863_870_TTN",
        "--lorawan-version",
        "1.0.3",
        "--lorawan-phy-version",
        "1.0.3-a",
      ],
      { timeoutMs: 120_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { created: 1000, failed: 0, failures: [] });
    assert.ok(seconds < 60, `took ${seconds} s`);
    process.stderr.write(
      `# imported 1000 devices in ${seconds.toFixed(1)} s: ${(1000 / seconds).toFixed(0)} devices/s\n`,
    );
    const listed = await rest(stack.httpUrl, "GET", `/applications/${app}/devices?limit=1`, {
      key: adminKey,
    });
    assert.ok(Number(listed.headers.get("x-total-count")) >= 1000);
    const js = (await registryGet("/js", "bulk-999", "root_keys")).json;
    assert.equal(js.root_keys.app_key.key, "000000000000000000000000000003E7");
    const ns = (await registryGet("/ns", "bulk-999", "frequency_plan_id")).json;
    assert.equal(ns.frequency_plan_id, "EU_863_870_TTN");
  });

  it("creates the good records, lists each failure with its line and reason, exits 1", async () => {
    const good = (i: number) =>
      JSON.stringify({
        ids: { device_id: `json-${i}`, dev_eui: `70B3D57EF000000${i}`, join_eui: joinEui },
        frequency_plan_id: "EU_863_870_TTN",
        lorawan_version: "MAC_V1_0_3",
        lorawan_phy_version: "PHY_V1_0_3_REV_A",
        supports_join: true,
        root_keys: { app_key: { key: "00112233445566778899AABBCCDDEEFF" } },
      });
    const lines = [
      good(1),
      '{"ids": {"device_id": "json-bad-eui", "dev_eui": "nothex"}}',
      good(2),
      good(1).replace("json-1", "json-dup"), // the DevEUI of json-1: the IS refuses it
      "{broken",
    ];
    const dry = await cli(["dev", "import", "-", "--application-id", app, "--dry-run"], {
      input: lines.join("\n"),
    });
    assert.equal(dry.code, 1);
    assert.equal(JSON.parse(dry.stdout).valid, 3);
    assert.equal((await registryGet("", "json-1", "ids")).status, 404);

    const result = await cli(["dev", "import", "-", "--application-id", app], {
      input: lines.join("\n"),
    });
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.created, 2);
    assert.equal(summary.failed, 3);
    assert.deepEqual(
      summary.failures.map((failure: Json) => failure.line),
      [2, 4, 5],
    );
    assert.match(summary.failures[0].error, /dev_eui/);
    assert.equal(summary.failures[1].device_id, "json-dup");
    assert.match(summary.failures[1].error, /already_exists|taken/);
    assert.match(result.stderr, /line 4 \(json-dup\): /);
    assert.match(result.stderr, /3 of 5 end devices were not imported/);
    for (const device of ["json-1", "json-2"]) {
      assert.equal((await registryGet("/js", device, "ids")).status, 200);
      assert.equal((await registryGet("/ns", device, "ids")).status, 200);
    }
    await assertNowhere("json-dup");
    await restOk(stack.httpUrl, "GET", `/applications/${app}/devices/json-1`, { key: adminKey });
  });
});

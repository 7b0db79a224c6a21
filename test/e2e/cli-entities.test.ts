/**
 * The CLI's entity commands against a real `bin/lorastack start is`: each CLI run is a child
 * process (`bin/lorastack ...`) with its own HOME and XDG_CONFIG_HOME in a temporary folder,
 * so logins and the credentials file are the real ones. One stack for the whole file.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertApiError, assertUsageError, cliHarness, type Json } from "../harness/cli.ts";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";

let dataDir: string;
let home: string;
let stack: LorastackProcess;
let adminKey: string;

const { cli, cliJson, configOf } = cliHarness(() => ({ home, server: stack.httpUrl }));

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-"));
  home = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-home-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({ dataDir, args: ["is"] });
  // The operator is logged in as admin for every test, whichever run alone.
  const login = await cli(["login", "--api-key", "-"], { input: adminKey });
  assert.equal(login.code, 0, login.stderr);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe("lorastack login and logout", () => {
  it("without credentials a command says how to log in and exits 1", async () => {
    const result = await cli(["applications", "list"], { as: "nobody" });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no credentials for http:\/\/127\.0\.0\.1:\d+/);
    assert.match(result.stderr, /lorastack login/);
  });

  it("refuses a key the server refuses and stores nothing", async () => {
    const result = await cli(["login", "--api-key", "NNSXS.NOPE.NOPE"], { as: "refused" });
    assertApiError(result, /error: \S+:\S+/);
    await assert.rejects(stat(join(configOf("refused"), "lorastack", "credentials.json")), {
      code: "ENOENT",
    });
  });

  it("checks the key read from stdin, says whose it is and stores it with mode 0600", async () => {
    const result = await cli(["login", "--api-key", "-"], { input: `${adminKey}\n` });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /logged in to http:\/\/127\.0\.0\.1:\d+ .* of user admin \(admin\)/,
    );
    const folder = join(configOf("operator"), "lorastack");
    const file = join(folder, "credentials.json");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    const stored = JSON.parse(await readFile(file, "utf8"));
    assert.deepEqual(Object.keys(stored.servers), [stack.httpUrl]);
    assert.equal(stored.servers[stack.httpUrl].kind, "api-key");
    assert.equal(stored.servers[stack.httpUrl].token, adminKey);
    // The key is not on the command line of any process, nor printed.
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(adminKey.split(".")[2] ?? ""));
  });

  it("LORASTACK_API_KEY overrides the stored key", async () => {
    const result = await cli(["applications", "list"], {
      env: { LORASTACK_API_KEY: "NNSXS.NOPE.NOPE" },
    });
    assertApiError(result, /error: \S+:\S+/);
  });

  it("logout removes the server's entry", async () => {
    await cli(["login", "--api-key", adminKey], { as: "leaving" });
    const out = await cli(["logout"], { as: "leaving" });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /logged out of/);
    const stored = JSON.parse(
      await readFile(join(configOf("leaving"), "lorastack", "credentials.json"), "utf8"),
    );
    assert.deepEqual(stored.servers, {});
    const after = await cli(["gateways", "list"], { as: "leaving" });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /no credentials/);
  });
});

describe("entity commands", () => {
  it("applications: create, get, list, update, delete, restore, purge", async () => {
    const created = await cliJson([
      ...["applications", "create", "cli-app", "--user-id", "admin"],
      ...["--name", "CLI app", "--attributes", "site=north", "--attributes", "floor=2"],
    ]);
    assert.equal(created.ids.application_id, "cli-app");
    assert.equal(created.name, "CLI app");

    const got = await cliJson(["applications", "get", "cli-app", "--name", "--attributes"]);
    assert.equal(got.name, "CLI app");
    assert.deepEqual(got.attributes, { site: "north", floor: "2" });
    assert.equal(got.description, undefined, "only the selected fields");
    const all = await cliJson(["applications", "get", "--application-id", "cli-app", "--all"]);
    assert.equal(all.name, "CLI app");

    const listed = await cliJson(["applications", "list", "--name"]);
    assert.ok(Array.isArray(listed));
    assert.ok(listed.some((app: Json) => app.ids.application_id === "cli-app"));
    const mine = await cliJson(["apps", "list", "--user-id", "admin", "--limit", "1"]);
    assert.equal(mine.length, 1);

    const updated = await cliJson([
      ...["applications", "update", "cli-app", "--description", "changed"],
    ]);
    assert.equal(updated.description, "changed");
    assert.equal(
      (await cliJson(["applications", "get", "cli-app", "--description", "--name"])).name,
      "CLI app",
      "update changed only the field given",
    );

    const deleted = await cli(["applications", "delete", "cli-app"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assertApiError(await cli(["applications", "get", "cli-app"]), /not_found/);
    const deletedList = await cliJson(["applications", "list", "--deleted"]);
    assert.ok(deletedList.some((app: Json) => app.ids.application_id === "cli-app"));
    assert.equal((await cli(["applications", "restore", "cli-app"])).code, 0);
    assert.equal((await cliJson(["applications", "get", "cli-app"])).ids.application_id, "cli-app");

    assert.equal((await cli(["applications", "delete", "cli-app"])).code, 0);
    assert.equal((await cli(["applications", "purge", "cli-app"])).code, 0);
    const afterPurge = await cliJson(["applications", "list", "--deleted"]);
    assert.ok(!afterPurge.some((app: Json) => app.ids.application_id === "cli-app"));
  });

  it("gateways: create with a frequency plan and EUI, update, delete, restore, purge", async () => {
    const created = await cliJson([
      ...["gateways", "create", "cli-gateway", "--user-id", "admin"],
      ...["--frequency-plan-id", "EU_863_870", "--gateway-eui", "00-80-00-00-a0-00-09-ef"],
      "--enforce-duty-cycle",
    ]);
    assert.equal(created.ids.gateway_id, "cli-gateway");
    assert.equal(created.ids.eui, "00800000A00009EF");
    const got = await cliJson(["gateways", "get", "cli-gateway", "--all"]);
    assert.deepEqual(got.frequency_plan_ids, ["EU_863_870"]);
    assert.equal(got.enforce_duty_cycle, true);

    const updated = await cliJson([
      ...["gateways", "set", "cli-gateway", "--no-enforce-duty-cycle", "--status-public"],
    ]);
    const after = await cliJson([
      ...["gateways", "get", "cli-gateway", "--enforce-duty-cycle", "--status-public"],
    ]);
    assert.ok(updated.ids);
    assert.notEqual(after.enforce_duty_cycle, true);
    assert.equal(after.status_public, true);

    assert.equal((await cli(["gateways", "delete", "cli-gateway"])).code, 0);
    assert.equal((await cli(["gateways", "restore", "cli-gateway"])).code, 0);
    assert.equal((await cli(["gateways", "delete", "cli-gateway"])).code, 0);
    assert.equal((await cli(["gateways", "purge", "cli-gateway"])).code, 0);
    assertApiError(await cli(["gateways", "get", "cli-gateway"]), /not_found/);
  });

  it("organizations own applications; users are created and listed by admins", async () => {
    const org = await cliJson([
      ...["organizations", "create", "cli-org", "--user-id", "admin", "--name", "CLI org"],
    ]);
    assert.equal(org.ids.organization_id, "cli-org");
    await cliJson(["applications", "create", "org-app", "--organization-id", "cli-org"]);
    const orgApps = await cliJson(["applications", "list", "--organization-id", "cli-org"]);
    assert.deepEqual(
      orgApps.map((app: Json) => app.ids.application_id),
      ["org-app"],
    );
    const user = await cliJson([
      ...["users", "create", "bob", "--primary-email-address", "bob@example.com"],
      ...["--password", "Correct-Horse2", "--name", "Bob"],
    ]);
    assert.equal(user.ids.user_id, "bob");
    const users = await cliJson(["users", "list", "--name"]);
    assert.ok(users.some((entry: Json) => entry.ids.user_id === "bob"));
    assert.equal((await cliJson(["users", "get", "bob", "--all"])).name, "Bob");
  });
});

describe("API keys and collaborators", () => {
  let appKey: string;

  before(async () => {
    await cliJson(["applications", "create", "keyed-app", "--user-id", "admin"]);
    await cliJson(["organizations", "create", "collab-org", "--user-id", "admin"]);
    await cliJson([
      ...["users", "create", "carol", "--primary-email-address", "carol@example.com"],
      ...["--password", "Correct-Horse3"],
    ]);
  });

  it("creates a key (printed once), lists, gets and updates it", async () => {
    const created = await cliJson([
      ...["applications", "api-keys", "create", "keyed-app", "--name", "reader"],
      ...["--right-application-info", "--expires-at", "2030-01-01T00:00:00Z"],
    ]);
    assert.match(created.key, /^NNSXS\./);
    assert.deepEqual(created.rights, ["RIGHT_APPLICATION_INFO"]);
    appKey = created.key;
    const listed = await cliJson(["applications", "api-keys", "list", "keyed-app"]);
    assert.ok(listed.some((key: Json) => key.id === created.id && key.key === undefined));
    const got = await cliJson(["applications", "api-keys", "get", "keyed-app", created.id]);
    assert.equal(got.name, "reader");
    const renamed = await cliJson([
      ...["applications", "api-keys", "update", "keyed-app", "--api-key-id", created.id],
      ...["--name", "renamed"],
    ]);
    assert.equal(renamed.name, "renamed");
    const spare = await cliJson([
      ...["applications", "api-keys", "create", "keyed-app", "--right-application-info"],
    ]);
    assert.equal((await cli(["app", "api-keys", "delete", "keyed-app", spare.id])).code, 0);
    assertApiError(await cli(["app", "api-keys", "get", "keyed-app", spare.id]), /not_found/);
  });

  it("logs in with the created key; a call beyond its rights is the API's error, exit 1", async () => {
    const login = await cli(["login", "--api-key", "-"], { as: "limited", input: appKey });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /of application keyed-app/);
    const got = await cliJson(["applications", "get", "keyed-app"], { as: "limited" });
    assert.equal(got.ids.application_id, "keyed-app");
    const denied = await cli(["applications", "update", "keyed-app", "--name", "no"], {
      as: "limited",
    });
    assertApiError(denied, /error: \S+:(insufficient_rights|permission_denied|\S+)/);
    assert.match(denied.stderr, /^lorastack: error:\S+ \(/);
  });

  it("sets, gets, lists and deletes collaborators", async () => {
    const set = await cli([
      ...["applications", "collaborators", "set", "keyed-app", "--user-id", "carol"],
      ...["--right-application-info", "--right-application-traffic-read"],
    ]);
    assert.equal(set.code, 0, set.stderr);
    const got = await cliJson([
      ...["applications", "collaborators", "get", "keyed-app", "--user-id", "carol"],
    ]);
    assert.deepEqual(got.rights, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
    const listed = await cliJson(["applications", "collaborators", "list", "keyed-app"]);
    assert.ok(listed.some((entry: Json) => entry.ids.user_ids?.user_id === "carol"));
    const gatewaySet = await cliJson([
      ...["gateways", "create", "shared-gateway", "--user-id", "admin"],
      ...["--frequency-plan-id", "EU_863_870"],
    ]);
    assert.ok(gatewaySet.ids);
    for (const [kind, id, right] of [
      ["applications", "keyed-app", "--right-application-info"],
      ["gateways", "shared-gateway", "--right-gateway-info"],
      ["organizations", "collab-org", "--right-organization-info"],
    ] as const) {
      if (kind !== "applications")
        assert.equal(
          (await cli([kind, "collaborators", "set", id, "--user-id", "carol", right])).code,
          0,
        );
      const removed = await cli([kind, "collaborators", "delete", id, "--user-id", "carol"]);
      assert.equal(removed.code, 0, `${kind}: ${removed.stderr}`);
      assertApiError(
        await cli([kind, "collaborators", "get", id, "--user-id", "carol"]),
        /not_found/,
      );
    }
  });
});

describe("usage errors exit 2 before any call", () => {
  it("a bad flag, an invalid ID, a missing owner or argument", async () => {
    for (const args of [
      ["applications", "list", "--no-such-flag"],
      ["applications", "get", "Not_An_ID"],
      ["gateways", "create", "ab", "--user-id", "admin"],
      ["applications", "create", "fine-app"],
      ["applications", "get"],
      ["gateways", "create", "gw-x", "--user-id", "admin", "--gateway-eui", "xyz"],
      ["applications", "api-keys", "create", "keyed-app"],
      ["applications", "list", "--limit", "ten"],
    ]) {
      // As a user without credentials: a 2 proves the check came before any lookup or call.
      assertUsageError(await cli(args, { as: "nobody" }), args.join(" "), /lorastack: |error: /);
    }
  });

  it("--help on commands shows an example; `help <command>` works", async () => {
    for (const args of [
      ["applications", "create", "--help"],
      ["help", "gateways", "api-keys", "create"],
      ["help", "login"],
    ]) {
      const result = await cli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Example/);
    }
    const rights = await cli(["help", "gateways", "api-keys", "create"]);
    assert.match(rights.stdout, /--right-gateway-all/);
  });
});

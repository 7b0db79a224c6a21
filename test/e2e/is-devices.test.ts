import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Browser, location, pkce } from "../../src/identity-server/oauth/test-browser.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// Issue 8: the Identity Server routes The Things Stack has for devices, gateways, OAuth
// authorizations and its configuration, through the real program over REST.

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const password = "Correct-Horse1";
let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;
let carolKey: string;

async function call(method: string, path: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : {}) as Json,
  };
}

async function ok(method: string, path: string, body?: unknown, key = adminKey): Promise<Json> {
  const result = await call(method, path, key, body);
  assert.equal(result.status, 200, `${method} ${path}: ${JSON.stringify(result.json)}`);
  return result.json;
}

const device = (id: string, fields: Json = {}) => ({
  end_device: { ids: { device_id: id, application_ids: { application_id: "app-a" } }, ...fields },
});

async function cli(args: string[]): Promise<string> {
  const result = await runLorastack(args, { dataDir });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split("\n").at(-1) as string;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-is-devices-"));
  await cli(["is-db", "init"]);
  await cli([
    "is-db",
    "create-admin-user",
    "--id",
    "admin",
    "--email",
    "admin@example.com",
    "--password",
    password,
  ]);
  adminKey = await cli(["is-db", "create-api-key", "--user-id", "admin"]);
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_DEV_EUI_BLOCK_ENABLED: "true",
      LORASTACK_DEV_EUI_BLOCK_PREFIX: "70B3D57ED0001000/52",
      LORASTACK_DEV_EUI_BLOCK_APPLICATION_LIMIT: "3",
    },
  });
  await ok("POST", "/users", {
    user: { ids: { user_id: "carol" }, primary_email_address: "carol@example.com", password },
  });
  carolKey = await cli(["is-db", "create-api-key", "--user-id", "carol"]);
  for (const id of ["app-a", "app-b"])
    await ok("POST", "/users/admin/applications", { application: { ids: { application_id: id } } });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("DevEUIs from the configured block", () => {
  it("issues them in order, up to the application limit", async () => {
    const issued = [];
    for (let i = 0; i < 3; i++)
      issued.push((await ok("POST", "/applications/app-a/dev-eui")).dev_eui);
    assert.deepEqual(issued, ["70B3D57ED0001000", "70B3D57ED0001001", "70B3D57ED0001002"]);
    const refused = await call("POST", "/applications/app-a/dev-eui", adminKey);
    assert.equal(refused.status, 400, JSON.stringify(refused.json));
    assert.equal(refused.json.code, 9, "failed precondition");
    assert.match(refused.json.message, /limit \(3\) reached/);
    assert.equal((await ok("POST", "/applications/app-b/dev-eui")).dev_eui, "70B3D57ED0001003");
    assert.equal((await call("POST", "/applications/app-b/dev-eui", carolKey)).status, 403);
  });
});

describe("end device lists, filters, search and batches", () => {
  before(async () => {
    await ok("POST", "/applications/app-a/devices", device("temp-1", { name: "Kitchen sensor" }));
    await ok(
      "POST",
      "/applications/app-a/devices",
      device("temp-2", {
        name: "Garden sensor",
        attributes: { floor: "ground" },
        ids: {
          device_id: "temp-2",
          application_ids: { application_id: "app-a" },
          dev_eui: "70B3D57ED00010AA",
          join_eui: "0000000000000000",
        },
      }),
    );
    await ok("POST", "/applications/app-a/devices", device("door-3", { name: "Front door" }));
    // A device whose ID is the literal segment of the batch routes.
    await ok("POST", "/applications/app-a/devices", device("batch", { name: "Named batch" }));
  });

  it("filters by update time with POST .../devices/filter, as in The Things Stack", async () => {
    const updated = await ok("PUT", "/applications/app-a/devices/temp-1", {
      ...device("temp-1", { name: "Kitchen sensor 2" }),
      field_mask: { paths: ["name"] },
    });
    const since = updated.updated_at as string;
    const all = (await ok("GET", "/applications/app-a/devices?field_mask=name"))
      .end_devices as Json[];
    const expected = all
      .filter((item) => Date.parse(item.updated_at) >= Date.parse(since))
      .map((item) => item.ids.device_id);
    assert.ok(expected.includes("temp-1"));
    assert.ok(expected.length < all.length, "older devices are left out");

    const filtered = await call("POST", "/applications/app-a/devices/filter", adminKey, {
      filters: [{ updated_since: since }],
      field_mask: { paths: ["name"] },
    });
    assert.equal(filtered.status, 200, JSON.stringify(filtered.json));
    assert.deepEqual(
      (filtered.json.end_devices as Json[]).map((item) => item.ids.device_id),
      expected,
    );
    assert.equal(filtered.headers.get("x-total-count"), String(expected.length));
    // The same filter from the query string of the GET binding.
    const query = await ok(
      "GET",
      `/applications/app-a/devices?filters.updated_since=${encodeURIComponent(since)}`,
    );
    assert.deepEqual(
      (query.end_devices as Json[]).map((item) => item.ids.device_id),
      expected,
    );
    const future = await call("POST", "/applications/app-a/devices/filter", adminKey, {
      filters: [{ updated_since: "2999-01-01T00:00:00Z" }],
    });
    assert.equal(future.status, 400, JSON.stringify(future.json));
    assert.equal(
      (await call("POST", "/applications/app-a/devices/filter", carolKey, {})).status,
      403,
    );
  });

  it("orders lists by the fields The Things Stack allows", async () => {
    const list = await ok("GET", "/applications/app-a/devices?order=-name&field_mask=name");
    assert.deepEqual(
      (list.end_devices as Json[]).map((item) => item.name),
      ["Named batch", "Kitchen sensor 2", "Garden sensor", "Front door"],
    );
    const byEui = await ok("GET", "/applications/app-a/devices?order=-dev_eui");
    assert.equal(byEui.end_devices[0].ids.device_id, "temp-2");
  });

  it("searches an application's devices in SQL", async () => {
    const search = async (query: string) => {
      const result = await ok("GET", `/search/applications/app-a/devices?${query}`);
      return ((result.end_devices ?? []) as Json[]).map((item) => item.ids.device_id);
    };
    assert.deepEqual(await search("name_contains=SENSOR"), ["temp-1", "temp-2"]);
    assert.deepEqual(await search("query=door"), ["door-3"]);
    assert.deepEqual(await search("dev_eui_contains=10aa"), ["temp-2"]);
    assert.deepEqual(await search("attributes_contain[floor]=grou"), ["temp-2"]);
    assert.deepEqual(await search("id_contains=temp&order=-device_id&limit=1"), ["temp-2"]);
    assert.deepEqual(await search("dev_addr_contains=01"), []);
    const long = await call(
      "GET",
      `/search/applications/app-a/devices?query=${"x".repeat(51)}`,
      adminKey,
    );
    assert.equal(long.status, 400);
    assert.equal((await call("GET", "/search/applications/app-a/devices", carolKey)).status, 403);
  });

  it("gets a batch of devices, not the device named batch", async () => {
    const batch = await ok(
      "GET",
      "/applications/app-a/devices/batch?device_ids=temp-1&device_ids=nope&device_ids=door-3&field_mask=name",
    );
    assert.deepEqual(
      (batch.end_devices as Json[]).map((item) => [item.ids.device_id, item.name]),
      [
        ["temp-1", "Kitchen sensor 2"],
        ["door-3", "Front door"],
      ],
    );
    const empty = await call("GET", "/applications/app-a/devices/batch", adminKey);
    assert.equal(empty.status, 400, "1 to 20 devices");
    const many = Array.from({ length: 21 }, (_, i) => `device_ids=dev-${i}`).join("&");
    assert.equal(
      (await call("GET", `/applications/app-a/devices/batch?${many}`, adminKey)).status,
      400,
    );
  });

  it("deletes a batch of devices, skipping unknown ones", async () => {
    await ok("POST", "/applications/app-a/devices", device("gone-1"));
    await ok("POST", "/applications/app-a/devices", device("gone-2"));
    assert.equal(
      (await call("DELETE", "/applications/app-a/devices/batch?device_ids=gone-1", carolKey))
        .status,
      403,
    );
    await ok(
      "DELETE",
      "/applications/app-a/devices/batch?device_ids=gone-1&device_ids=gone-2&device_ids=never",
    );
    for (const id of ["gone-1", "gone-2"])
      assert.equal((await call("GET", `/applications/app-a/devices/${id}`, adminKey)).status, 404);
    // The device named "batch" is untouched, and reachable as a device for everything else.
    assert.equal(
      (
        await ok("PUT", "/applications/app-a/devices/batch", {
          ...device("batch", { name: "Still here" }),
          field_mask: { paths: ["name"] },
        })
      ).name,
      "Still here",
    );
  });
});

describe("gateway filters and batches", () => {
  const gateway = (id: string) => ({
    gateway: { ids: { gateway_id: id }, frequency_plan_ids: ["EU_863_870"] },
  });

  before(async () => {
    for (const id of ["gw-1", "gw-2", "gw-3"])
      await ok("POST", "/users/admin/gateways", gateway(id));
    await ok("POST", "/users/carol/gateways", gateway("gw-carol"), carolKey);
  });

  it("filters gateways by update time with POST /gateways/filter", async () => {
    const updated = await ok("PUT", "/gateways/gw-2", {
      gateway: { ids: { gateway_id: "gw-2" }, name: "Two" },
      field_mask: { paths: ["name"] },
    });
    const all = (await ok("GET", "/gateways")).gateways as Json[];
    const expected = all
      .filter((item) => Date.parse(item.updated_at) >= Date.parse(updated.updated_at))
      .map((item) => item.ids.gateway_id);
    assert.ok(expected.includes("gw-2") && expected.length < all.length);
    const filtered = await ok("POST", "/gateways/filter", {
      filters: [{ updated_since: updated.updated_at }],
    });
    assert.deepEqual(
      (filtered.gateways as Json[]).map((item) => item.ids.gateway_id),
      expected,
    );
    // A signed-in user sees only their own gateways there too.
    const carol = await ok("POST", "/gateways/filter", {}, carolKey);
    assert.deepEqual(
      (carol.gateways as Json[]).map((item) => item.ids.gateway_id),
      ["gw-carol"],
    );
  });

  it("asserts rights on a batch of gateways", async () => {
    const assertRights = (ids: string[], rights: string[], key = adminKey) =>
      call(
        "GET",
        `/gateways/rights/batch?${[
          ...ids.map((id) => `gateway_ids.gateway_id=${id}`),
          ...rights.map((right) => `required.rights=${right}`),
        ].join("&")}`,
        key,
      );
    assert.equal((await assertRights(["gw-1", "gw-2"], ["RIGHT_GATEWAY_INFO"])).status, 200);
    assert.equal((await assertRights(["gw-carol"], ["RIGHT_GATEWAY_INFO"], carolKey)).status, 200);
    const refused = await assertRights(["gw-carol", "gw-1"], ["GATEWAY_INFO"], carolKey);
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /gw-1/);
    assert.equal((await assertRights(["gw-nope"], ["RIGHT_GATEWAY_INFO"])).status, 404);
    assert.equal((await assertRights(["gw-1"], [])).status, 400, "rights are required");
  });

  it("deletes a batch of gateways, all or none", async () => {
    const remove = (ids: string[], key = adminKey) =>
      call(
        "DELETE",
        `/gateways/batch?${ids.map((id) => `gateway_ids.gateway_id=${id}`).join("&")}`,
        key,
      );
    assert.equal((await remove(["gw-1", "gw-carol"], carolKey)).status, 403);
    const missing = await remove(["gw-1", "gw-missing"]);
    assert.equal(missing.status, 404, JSON.stringify(missing.json));
    assert.equal((await call("GET", "/gateways/gw-1", adminKey)).status, 200, "nothing deleted");
    await ok("DELETE", "/gateways/batch?gateway_ids.gateway_id=gw-1&gateway_ids.gateway_id=gw-3");
    for (const id of ["gw-1", "gw-3"])
      assert.equal((await call("GET", `/gateways/${id}`, adminKey)).status, 404);
    assert.equal((await call("GET", "/gateways/gw-2", adminKey)).status, 200);
    assert.equal((await remove([])).status, 400);
  });
});

describe("OAuth authorizations and their tokens", () => {
  /** The Console's redirect URI, as `is-db init` registered it. */
  async function consoleRedirect(): Promise<string> {
    const client = await ok("GET", "/clients/console?field_mask=redirect_uris");
    return client.redirect_uris[0] as string;
  }

  /** Signs in as the admin through the Console's client; returns its tokens. */
  async function signIn(): Promise<{ accessToken: string; refreshToken: string }> {
    const redirectUri = await consoleRedirect();
    const browser = new Browser(stack.httpUrl);
    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({
      client_id: "console",
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    let next = location(await browser.request(`/oauth/authorize?${query}`));
    for (let hops = 0; hops < 6 && !next.startsWith(redirectUri); hops++) {
      const response = next.startsWith("/oauth/login/")
        ? await browser.request(next, { form: { username: "admin", password } })
        : await browser.request(next);
      next = location(response);
    }
    const code = new URL(next).searchParams.get("code") ?? "";
    assert.ok(code, `signed in: ${next}`);
    const response = await fetch(`${stack.httpUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        client_id: "console",
        code_verifier: verifier,
      }),
    });
    const tokens = (await response.json()) as Record<string, string>;
    assert.equal(response.status, 200, JSON.stringify(tokens));
    return { accessToken: tokens.access_token ?? "", refreshToken: tokens.refresh_token ?? "" };
  }

  const authInfoStatus = async (token: string) => (await call("GET", "/auth_info", token)).status;

  async function refreshStatus(refreshToken: string): Promise<number> {
    const response = await fetch(`${stack.httpUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: "console",
      }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it("lists a user's authorizations and tokens, without the tokens themselves", async () => {
    const first = await signIn();
    const second = await signIn();
    const authorizations = await call("GET", "/users/admin/authorizations", adminKey);
    assert.equal(authorizations.status, 200, JSON.stringify(authorizations.json));
    assert.deepEqual(
      (authorizations.json.authorizations as Json[]).map((item) => [
        item.user_ids.user_id,
        item.client_ids.client_id,
      ]),
      [["admin", "console"]],
    );
    assert.ok((authorizations.json.authorizations[0].rights as string[]).length > 0);
    assert.equal(authorizations.headers.get("x-total-count"), "1");

    const tokens = await ok("GET", "/users/admin/authorizations/console/tokens");
    assert.equal(tokens.tokens.length, 2);
    const text = JSON.stringify(tokens);
    for (const secret of [first.accessToken, first.refreshToken, second.accessToken])
      assert.ok(!text.includes(secret), "no token value is listed");
    for (const token of tokens.tokens as Json[]) {
      assert.match(token.id, /^[0-9a-f]{64}$/);
      assert.equal(token.access_token, undefined);
      assert.ok(token.expires_at);
    }
    // An access token may list the tokens of its own authorization.
    const own = await call("GET", "/users/admin/authorizations/console/tokens", first.accessToken);
    assert.equal(own.status, 200, JSON.stringify(own.json));
    // Others may not.
    assert.equal((await call("GET", "/users/admin/authorizations", carolKey)).status, 403);
    assert.equal(
      (await call("GET", "/users/admin/authorizations/console/tokens", carolKey)).status,
      403,
    );
  });

  it("revokes one token, and withdraws a whole authorization", async () => {
    const mine = await signIn();
    const other = await signIn();
    const before = (await ok("GET", "/users/admin/authorizations/console/tokens")).tokens as Json[];
    const listed = await call(
      "GET",
      "/users/admin/authorizations/console/tokens?order=-created_at&limit=1",
      mine.accessToken,
    );
    assert.equal(listed.headers.get("x-total-count"), String(before.length));
    const newest = listed.json.tokens[0].id as string;

    assert.equal(
      (await call("DELETE", `/users/admin/authorizations/console/tokens/${newest}`, carolKey))
        .status,
      403,
    );
    assert.equal(
      (await call("DELETE", "/users/admin/authorizations/console/tokens/nope", adminKey)).status,
      404,
    );
    // A token of the authorization may revoke its tokens.
    const revoked = await call(
      "DELETE",
      `/users/admin/authorizations/console/tokens/${newest}`,
      mine.accessToken,
    );
    assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
    assert.equal(await authInfoStatus(other.accessToken), 401, "the newest token is revoked");
    assert.equal(await refreshStatus(other.refreshToken), 400, "and its refresh token");
    assert.equal(await authInfoStatus(mine.accessToken), 200, "the other sign-in goes on");

    await ok("DELETE", "/users/admin/authorizations/console");
    assert.equal(await authInfoStatus(mine.accessToken), 401);
    assert.equal(await refreshStatus(mine.refreshToken), 400);
    assert.deepEqual((await ok("GET", "/users/admin/authorizations")).authorizations ?? [], []);
    assert.equal(
      (await call("DELETE", "/users/admin/authorizations/console", adminKey)).status,
      404,
    );
  });
});

describe("the Identity Server's configuration", () => {
  it("answers GET /is/configuration to anyone", async () => {
    const result = await call("GET", "/is/configuration");
    assert.equal(result.status, 200, JSON.stringify(result.json));
    const configuration = result.json.configuration as Json;
    assert.deepEqual(configuration.user_registration.password_requirements, {
      min_length: 8,
      max_length: 1000,
      min_uppercase: 1,
      min_digits: 1,
      min_special: 0,
    });
    assert.equal(configuration.user_rights.create_applications, true);
    assert.equal(configuration.profile_picture.disable_upload, true);
    // Registration by invitation only, with the configured token lifetimes.
    assert.equal(configuration.user_registration.enabled, true);
    assert.deepEqual(configuration.user_registration.invitation, {
      required: true,
      token_ttl: "604800s",
    });
    assert.equal(configuration.user_registration.contact_info_validation.retry_interval, "3600s");
  });
});

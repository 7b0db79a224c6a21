import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { ApplicationRegistry } from "../../src/gen/ttn/lorawan/v3/application_services_pb.js";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

/** JSON answers of the API: their shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-is-"));
  const init = await runLorastack(["is-db", "init"], { dataDir });
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /registered OAuth client console/);
  const admin = await runLorastack(
    [
      "is-db",
      "create-admin-user",
      "--id",
      "admin",
      "--email",
      "admin@example.com",
      "--password",
      "Correct-Horse1",
    ],
    { dataDir },
  );
  assert.equal(admin.code, 0, admin.stderr);
  const key = await runLorastack(
    ["is-db", "create-api-key", "--user-id", "admin", "--name", "e2e"],
    { dataDir },
  );
  assert.equal(key.code, 0, key.stderr);
  adminKey = key.stdout.trim().split("\n").at(-1) as string;
  assert.match(adminKey, /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
  stack = await startLorastack({ dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined || options.raw !== undefined)
    headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as ApiJson) : {},
  };
}

function assertError(result: { status: number; json: ApiJson }, status: number, name: RegExp) {
  assert.equal(result.status, status, JSON.stringify(result.json));
  assert.equal(typeof result.json.code, "number");
  assert.match(result.json.details?.[0]?.name ?? "", name);
  assert.match(result.json.details?.[0]?.correlation_id ?? "", /^[0-9a-f]{32}$/);
}

describe("Identity Server over REST", () => {
  it("tells the caller who it is at /auth_info", async () => {
    const info = await api("GET", "/auth_info", { key: adminKey });
    assert.equal(info.status, 200);
    assert.equal(info.json.is_admin, true);
    assert.deepEqual(info.json.api_key.entity_ids, { user_ids: { user_id: "admin" } });
    assert.deepEqual(info.json.api_key.api_key.rights, ["RIGHT_ALL"]);
  });

  it("answers 401 without credentials and with a bad key", async () => {
    assertError(await api("GET", "/auth_info"), 401, /no_credentials/);
    const wrongSecret = `${adminKey.slice(0, -1)}${adminKey.endsWith("A") ? "B" : "A"}`;
    assertError(await api("GET", "/applications/x", { key: wrongSecret }), 401, /unknown_token/);
  });

  it("creates, reads, lists, updates, deletes and restores applications with TTS request shapes", async () => {
    const created = await api("POST", "/users/admin/applications", {
      key: adminKey,
      body: {
        application: {
          ids: { application_id: "app-a" },
          name: "App A",
          attributes: { site: "north" },
        },
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.deepEqual(created.json.ids, { application_id: "app-a" });
    assert.equal(created.json.name, "App A");
    assert.match(created.json.created_at, /^\d{4}-\d\d-\d\dT/);

    const second = await api("POST", "/users/admin/applications", {
      key: adminKey,
      body: { application: { ids: { application_id: "app-b" } } },
    });
    assert.equal(second.status, 200);

    const masked = await api("GET", "/applications/app-a?field_mask=name", { key: adminKey });
    assert.equal(masked.status, 200);
    assert.equal(masked.json.name, "App A");
    assert.equal(masked.json.attributes, undefined, "fields outside the mask are left out");

    const updated = await api("PUT", "/applications/app-a", {
      key: adminKey,
      body: {
        application: { ids: { application_id: "app-a" }, description: "north site" },
        field_mask: { paths: ["description"] },
      },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.json));
    assert.equal(updated.json.description, "north site");
    assert.equal(updated.json.name, "App A", "fields outside the mask are kept");

    const page = await api("GET", "/users/admin/applications?limit=1&page=2&order=application_id", {
      key: adminKey,
    });
    assert.equal(page.status, 200, JSON.stringify(page.json));
    assert.equal(page.headers.get("x-total-count"), "2");
    assert.deepEqual(
      page.json.applications.map((a: { ids: { application_id: string } }) => a.ids.application_id),
      ["app-b"],
    );

    assert.equal((await api("DELETE", "/applications/app-b", { key: adminKey })).status, 200);
    assertError(await api("GET", "/applications/app-b", { key: adminKey }), 404, /not_found/);
    assertError(
      await api("POST", "/users/admin/applications", {
        key: adminKey,
        body: { application: { ids: { application_id: "app-b" } } },
      }),
      409,
      /id_taken/,
    );
    assert.equal((await api("POST", "/applications/app-b/restore", { key: adminKey })).status, 200);
    assert.equal((await api("GET", "/applications/app-b", { key: adminKey })).status, 200);
  });

  it("rejects bad input with the JSON error body and writes nothing", async () => {
    const create = (body: unknown) =>
      api("POST", "/users/admin/applications", { key: adminKey, body });
    assertError(
      await create({ application: { ids: { application_id: "Not_Valid" } } }),
      400,
      /invalid_id/,
    );
    assertError(
      await create({ application: { ids: { application_id: "app-c" }, name: ["red"] } }),
      400,
      /invalid_field_value/,
    );
    assertError(
      await api("POST", "/users/admin/applications", { key: adminKey, raw: "{not json" }),
      400,
      /malformed/,
    );
    const huge = {
      application: { ids: { application_id: "app-c" }, description: "x".repeat(2 * 1024 * 1024) },
    };
    assertError(await create(huge), 413, /too_large/);
    assertError(await api("GET", "/applications/app-c", { key: adminKey }), 404, /not_found/);
  });

  it("scopes an application API key to its application and its rights", async () => {
    const created = await api("POST", "/applications/app-a/api-keys", {
      key: adminKey,
      body: { name: "reader", rights: ["RIGHT_APPLICATION_INFO"] },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const appKey = created.json.key as string;
    assert.match(appKey, /^NNSXS\./);
    assert.deepEqual(created.json.rights, ["RIGHT_APPLICATION_INFO"]);

    assert.equal((await api("GET", "/applications/app-a", { key: appKey })).status, 200);
    // Public fields only: anything more of another application is refused.
    assertError(
      await api("GET", "/applications/app-b?field_mask=name", { key: appKey }),
      403,
      /no_rights/,
    );
    assertError(
      await api("PUT", "/applications/app-a", {
        key: appKey,
        body: {
          application: { ids: { application_id: "app-a" }, name: "x" },
          field_mask: { paths: ["name"] },
        },
      }),
      403,
      /missing_rights/,
    );
    assertError(
      await api("POST", "/applications/app-a/api-keys", {
        key: appKey,
        body: { rights: ["RIGHT_APPLICATION_ALL"] },
      }),
      403,
      /missing_rights/,
    );

    const listed = await api("GET", "/applications/app-a/api-keys", { key: adminKey });
    assert.equal(listed.status, 200);
    assert.equal(listed.json.api_keys.length, 1);
    assert.equal(listed.json.api_keys[0].key, undefined, "secrets are shown once, at creation");
  });

  it("serves the OpenAPI document", async () => {
    const response = await fetch(`${stack.httpUrl}/api/v3/openapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    assert.ok(document.paths["/api/v3/applications/{application_ids.application_id}"]);
  });
});

describe("Identity Server events", () => {
  it("streams events of the entities the caller may see, over POST /api/v3/events", async () => {
    const abort = new AbortController();
    const response = await fetch(`${stack.httpUrl}/api/v3/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-a" } }] }),
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    const names: string[] = [];
    const nextEvent = async (): Promise<string> => {
      while (!buffered.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffered += decoder.decode(value, { stream: true });
      }
      const line = buffered.slice(0, buffered.indexOf("\n"));
      buffered = buffered.slice(buffered.indexOf("\n") + 1);
      return line.trim()
        ? (JSON.parse(line) as { result: { name: string } }).result.name
        : nextEvent();
    };
    names.push(await nextEvent());
    const updated = await api("PUT", "/applications/app-a", {
      key: adminKey,
      body: {
        application: { ids: { application_id: "app-a" }, description: "streamed" },
        field_mask: { paths: ["description"] },
      },
    });
    assert.equal(updated.status, 200);
    names.push(await nextEvent());
    abort.abort();
    assert.deepEqual(names, ["events.stream.start", "application.update"]);
  });
});

describe("Identity Server OAuth", () => {
  it("has the Console's client from is-db init, and starts its login with PKCE", async () => {
    const client = await api("GET", "/clients/console?field_mask=redirect_uris,grants", {
      key: adminKey,
    });
    assert.equal(client.status, 200, JSON.stringify(client.json));
    const redirectUri = client.json.redirect_uris[0] as string;
    assert.match(redirectUri, /\/console\/oauth\/callback$/);
    const query = new URLSearchParams({
      client_id: "console",
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    });
    const response = await fetch(`${stack.httpUrl}/oauth/authorize?${query}`, {
      redirect: "manual",
    });
    assert.ok(response.status === 302 || response.status === 303, `status ${response.status}`);
    assert.match(response.headers.get("location") ?? "", /\/oauth\/login\//);
  });

  it("serves OpenID Connect discovery under /oauth", async () => {
    const response = await fetch(`${stack.httpUrl}/oauth/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const discovery = (await response.json()) as Record<string, unknown>;
    assert.match(String(discovery.issuer), /\/oauth$/);
    assert.match(String(discovery.authorization_endpoint), /\/oauth\/authorize$/);
    assert.deepEqual(discovery.code_challenge_methods_supported, ["S256"]);
  });
});

describe("Identity Server over gRPC", () => {
  for (const [protocol, makeTransport] of [
    ["Connect", createConnectTransport],
    ["gRPC-Web", createGrpcWebTransport],
  ] as const) {
    it(`serves ${protocol} over HTTP/1.1 on the gRPC port and on the HTTP port`, async () => {
      for (const address of [stack.listeners.get("grpc"), stack.httpUrl.replace("http://", "")]) {
        const transport = makeTransport({ baseUrl: `http://${address}`, httpVersion: "1.1" });
        const client = createClient(ApplicationRegistry, transport);
        const application = await client.get(
          { applicationIds: { applicationId: "app-a" }, fieldMask: { paths: ["name"] } },
          { headers: { authorization: `Bearer ${adminKey}` } },
        );
        assert.equal(application.name, "App A", `${protocol} at ${address}`);
      }
    });
  }

  it("serves the same registry over gRPC (h2c) with the same errors", async () => {
    const transport = createGrpcTransport({ baseUrl: `http://${stack.listeners.get("grpc")}` });
    const client = createClient(ApplicationRegistry, transport);
    const application = await client.get(
      { applicationIds: { applicationId: "app-a" }, fieldMask: { paths: ["name"] } },
      { headers: { authorization: `Bearer ${adminKey}` } },
    );
    assert.equal(application.name, "App A");
    await assert.rejects(
      client.get({ applicationIds: { applicationId: "app-a" } }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, Code.Unauthenticated);
        assert.match(error.rawMessage, /^error:api\/auth:no_credentials/);
        return true;
      },
    );
  });
});

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { GatewayRegistry } from "../../src/gen/ttn/lorawan/v3/gateway_services_pb.js";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

/**
 * Every Identity Server endpoint, taken from the running program's own OpenAPI document, is
 * called three ways: without credentials (401), with the key of a signed-in user who has no
 * rights on the entities (403), and with the key of another application (403). A new endpoint
 * is covered the day it is added.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
const keys: Record<"admin" | "stranger" | "otherApp", string> = {
  admin: "",
  stranger: "",
  otherApp: "",
};

async function call(method: string, path: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = (text ? JSON.parse(text) : {}) as Json;
  // A streaming method that fails before its first message answers `{"error": <error body>}`.
  return { status: response.status, json: json.error && !json.code ? (json.error as Json) : json };
}

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const result = await call(method, path, keys.admin, body);
  assert.equal(result.status, 200, `${method} ${path}: ${JSON.stringify(result.json)}`);
  return result.json;
}

/** Values for the path variables of every route: the entities made in `before`. */
const pathValues: Record<string, string> = {
  user: "admin",
  organization: "org-a",
  application: "app-a",
  gateway: "gw-a",
  client: "cli-a",
  device: "dev-a",
  key: "KEYIDTHATDOESNOTEXIST",
};

function fillPath(template: string): string {
  return (
    template.replace(/\{([^}]+)\}/g, (_whole, variable: string) => {
      if (/key_id|api_key\.id/.test(variable)) return pathValues.key as string;
      if (/device_id/.test(variable)) return pathValues.device as string;
      if (/user_id/.test(variable)) return pathValues.user as string;
      if (/organization_id/.test(variable)) return pathValues.organization as string;
      if (/application_id/.test(variable)) return pathValues.application as string;
      if (/gateway_id/.test(variable)) return pathValues.gateway as string;
      if (/client_id/.test(variable)) return pathValues.client as string;
      throw new Error(`no value for path variable ${variable} in ${template}`);
    }) + (queryFor[template] ?? "")
  );
}

/** Query parameters a route needs besides its path, so that only the caller's rights can fail it. */
const queryFor: Record<string, string> = {
  "/api/v3/events/related": "?correlation_id=rpc:/ttn.lorawan.v3.ApplicationRegistry/Update:x",
};

/** A valid body for every route that takes one, so that only the caller's rights can fail it. */
function bodyFor(method: string, template: string): unknown {
  if (method !== "POST" && method !== "PUT") return undefined;
  const kind =
    /\/(applications|gateways|organizations|clients|users)(?:\/\{[^}]+\})?(?:\/(devices|api-keys|collaborators|password))?$/.exec(
      template,
    );
  if (template.endsWith("/events"))
    return { identifiers: [{ application_ids: { application_id: "app-a" } }] };
  if (template.endsWith("/api-keys") && method === "POST")
    return { name: "k", rights: ["RIGHT_APPLICATION_INFO"] };
  if (/\/api-keys\/\{/.test(template))
    return { api_key: { name: "k" }, field_mask: { paths: ["name"] } };
  if (template.endsWith("/collaborators")) {
    return {
      collaborator: { ids: { user_ids: { user_id: "carol" } }, rights: ["RIGHT_APPLICATION_INFO"] },
    };
  }
  if (template.endsWith("/password")) return { old: "Correct-Horse1", new: "Correct-Horse2" };
  if (template.includes("/devices")) {
    const endDevice = {
      ids: {
        device_id: "dev-new",
        application_ids: { application_id: "app-a" },
        dev_eui: "70B3D57ED0000099",
        join_eui: "70B3D57ED0000000",
      },
      name: "x",
    };
    return method === "PUT"
      ? { end_device: endDevice, field_mask: { paths: ["name"] } }
      : { end_device: endDevice };
  }
  const entity = kind?.[1];
  if (method === "POST" && entity === "applications")
    return { application: { ids: { application_id: "app-new" } } };
  if (method === "POST" && entity === "gateways") {
    return {
      gateway: {
        ids: { gateway_id: "gw-new", eui: "0011223344556699" },
        frequency_plan_ids: ["EU_863_870"],
      },
    };
  }
  if (method === "POST" && entity === "organizations")
    return { organization: { ids: { organization_id: "org-new" } } };
  if (method === "POST" && entity === "clients")
    return { client: { ids: { client_id: "cli-new" } } };
  if (method === "POST" && entity === "users") {
    return {
      user: {
        ids: { user_id: "user-new" },
        primary_email_address: "new@example.com",
        password: "Correct-Horse1",
      },
    };
  }
  if (method === "PUT") {
    const singular = {
      applications: "application",
      gateways: "gateway",
      organizations: "organization",
      clients: "client",
      users: "user",
    }[entity ?? ""];
    if (singular) return { [singular]: { name: "changed" }, field_mask: { paths: ["name"] } };
  }
  return undefined;
}

/** Routes a signed-in stranger may call, and why (everything else must refuse it). */
const openToSignedIn: Record<string, string> = {
  "GET /api/v3/auth_info": "everyone may ask who they are",
  "GET /api/v3/applications": "lists only the caller's own applications",
  "GET /api/v3/gateways": "lists only the caller's own gateways",
  "GET /api/v3/organizations": "lists only the caller's own organizations",
  "GET /api/v3/clients": "lists only the caller's own clients",
  "GET /api/v3/search/applications": "finds only the caller's own applications",
  "GET /api/v3/search/gateways": "finds only the caller's own gateways",
  "GET /api/v3/search/organizations": "finds only the caller's own organizations",
  "GET /api/v3/search/clients": "finds only the caller's own clients",
  "GET /api/v3/search/accounts": "finds accounts to add as collaborators",
  "GET /api/v3/users/{user_id}/rights": "answers the caller's rights, possibly none",
  "GET /api/v3/applications/{application_id}/rights": "answers the caller's rights, possibly none",
  "GET /api/v3/gateways/{gateway_id}/rights": "answers the caller's rights, possibly none",
  "GET /api/v3/organizations/{organization_id}/rights":
    "answers the caller's rights, possibly none",
  "GET /api/v3/clients/{client_id}/rights": "answers the caller's rights, possibly none",
  "GET /api/v3/events/related":
    "answers related events, cut to a few fields where the caller may not see them (as TTS)",
};

/** Routes that are not served by this version (answered 501 to everyone), and why. */
const notServed: Record<string, string> = {
  "POST /api/v3/users/{user_ids.user_id}/temporary_password":
    "temporary passwords need e-mail, not built yet",
};

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-matrix-"));
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
  keys.admin = (
    await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], { dataDir })
  ).stdout
    .trim()
    .split("\n")
    .at(-1) as string;
  stack = await startLorastack({ dataDir });

  // Every kind of entity, created over REST with The Things Stack's request shapes.
  await ok("POST", "/api/v3/users", {
    user: {
      ids: { user_id: "carol" },
      primary_email_address: "carol@example.com",
      password: "Correct-Horse1",
    },
  });
  await ok("POST", "/api/v3/users/admin/organizations", {
    organization: { ids: { organization_id: "org-a" }, name: "Org A" },
  });
  await ok("POST", "/api/v3/users/admin/applications", {
    application: { ids: { application_id: "app-a" } },
  });
  await ok("POST", "/api/v3/organizations/org-a/applications", {
    application: { ids: { application_id: "app-b" } },
  });
  const gateway = await ok("POST", "/api/v3/users/admin/gateways", {
    gateway: {
      ids: { gateway_id: "gw-a", eui: "0011223344556677" },
      frequency_plan_ids: ["EU_863_870"],
      antennas: [{ gain: 3, location: { latitude: 52.1, longitude: 4.3, altitude: 10 } }],
      gateway_server_address: "lns.example.com",
      require_authenticated_connection: true,
      status_public: true,
    },
  });
  assert.equal(gateway.ids.eui, "0011223344556677");
  const device = await ok("POST", "/api/v3/applications/app-a/devices", {
    end_device: {
      ids: {
        device_id: "dev-a",
        application_ids: { application_id: "app-a" },
        dev_eui: "70b3d57ed0000001",
        join_eui: "70B3D57ED0000000",
      },
      name: "Device A",
    },
  });
  assert.equal(device.ids.dev_eui, "70B3D57ED0000001", "EUIs are upper-case hex");
  await ok("POST", "/api/v3/users/admin/clients", {
    client: { ids: { client_id: "cli-a" }, redirect_uris: ["https://app.example.com/cb"] },
  });

  // Admins hold no key rights on other users (as in The Things Stack): carol's key comes from the CLI.
  const carolKey = await runLorastack(["is-db", "create-api-key", "--user-id", "carol"], {
    dataDir,
  });
  assert.equal(carolKey.code, 0, carolKey.stderr);
  keys.stranger = carolKey.stdout.trim().split("\n").at(-1) as string;
  keys.otherApp = (
    await ok("POST", "/api/v3/applications/app-b/api-keys", {
      name: "b",
      rights: ["RIGHT_APPLICATION_ALL"],
    })
  ).key;
  for (const kind of ["organizations/org-a", "gateways/gw-a"]) {
    const key = await ok("POST", `/api/v3/${kind}/api-keys`, { name: "own", rights: [] });
    assert.match(key.key, /^NNSXS\./);
  }
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function identityRoutes(): Promise<{ method: string; template: string }[]> {
  const document = (await (await fetch(`${stack.httpUrl}/api/v3/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), template })),
  );
  assert.ok(routes.length > 80, `expected the Identity Server's routes, got ${routes.length}`);
  return routes;
}

describe("rights matrix over every Identity Server endpoint", () => {
  it("answers 501 to everyone on the endpoints this version does not serve", async () => {
    for (const route of Object.keys(notServed)) {
      const [method, template] = route.split(" ") as [string, string];
      const result = await call(method, fillPath(template), keys.admin, bodyFor(method, template));
      assert.equal(result.status, 501, route);
    }
  });

  it("answers 401 without credentials", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      const route = `${method} ${template}`;
      if (notServed[route]) continue;
      const result = await call(method, fillPath(template), undefined, bodyFor(method, template));
      if (result.status !== 401 || result.json.code !== 16)
        wrong.push(`${route} → ${result.status} ${result.json.message}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 403 to a signed-in user without rights on the entity", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      const route = `${method} ${template}`;
      if (notServed[route]) continue;
      const result = await call(
        method,
        fillPath(template),
        keys.stranger,
        bodyFor(method, template),
      );
      const expected = openToSignedIn[route] ? 200 : 403;
      if (result.status !== expected)
        wrong.push(`${route} → ${result.status} ${result.json.message ?? ""}`);
      if (expected === 403 && result.json.code !== 7)
        wrong.push(`${route}: code ${result.json.code}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 403 to a key of another application on every application endpoint", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      if (!/^\/api\/v3\/applications\/\{/.test(template) || template.endsWith("/rights")) continue;
      const result = await call(
        method,
        fillPath(template),
        keys.otherApp,
        bodyFor(method, template),
      );
      if (result.status !== 403)
        wrong.push(`${method} ${template} → ${result.status} ${result.json.message ?? ""}`);
    }
    assert.deepEqual(wrong, []);
  });
});

describe("registry rules over REST and gRPC", () => {
  it("refuses duplicate EUIs with 409 and writes nothing", async () => {
    const gateway = await call("POST", "/api/v3/users/admin/gateways", keys.admin, {
      gateway: {
        ids: { gateway_id: "gw-dup", eui: "0011223344556677" },
        frequency_plan_ids: ["EU_863_870"],
      },
    });
    assert.equal(gateway.status, 409, JSON.stringify(gateway.json));
    assert.equal((await call("GET", "/api/v3/gateways/gw-dup", keys.admin)).status, 404);

    const device = await call("POST", "/api/v3/applications/app-a/devices", keys.admin, {
      end_device: {
        ids: {
          device_id: "dev-dup",
          application_ids: { application_id: "app-a" },
          dev_eui: "70B3D57ED0000001",
          join_eui: "70B3D57ED0000000",
        },
      },
    });
    assert.equal(device.status, 409, JSON.stringify(device.json));
    assert.equal(
      (await call("GET", "/api/v3/applications/app-a/devices/dev-dup", keys.admin)).status,
      404,
    );
  });

  it("creates and reads gateways over gRPC with the same registry", async () => {
    const client = createClient(
      GatewayRegistry,
      createGrpcTransport({ baseUrl: `http://${stack.listeners.get("grpc")}` }),
    );
    const headers = { authorization: `Bearer ${keys.admin}` };
    const eui = new Uint8Array([0xaa, 0x55, 0x5a, 0, 0, 0, 0, 1]);
    await client.create(
      {
        gateway: { ids: { gatewayId: "gw-grpc", eui }, frequencyPlanIds: ["EU_863_870"] },
        collaborator: { ids: { case: "userIds", value: { userId: "admin" } } },
      },
      { headers },
    );
    const read = await call("GET", "/api/v3/gateways/gw-grpc", keys.admin);
    assert.equal(read.status, 200);
    assert.equal(read.json.ids.eui, "AA555A0000000001");
  });
});

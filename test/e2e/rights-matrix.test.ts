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
 * called without credentials (401), with the key of a signed-in user who has no rights on the
 * entities (403, or public fields only), with the key of another application (403), with keys
 * of a collaborator whose account is suspended or rejected (403), and with a key of an admin
 * that lacks RIGHT_USER_ALL (acts as a non-admin). List calls show, per entity, only what the
 * caller's rights on it allow. A new endpoint is covered the day it is added.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
const keys: Record<
  "admin" | "stranger" | "otherApp" | "member" | "restrictedAdmin" | "lister",
  string
> = {
  admin: "",
  stranger: "",
  otherApp: "",
  /** Sam's: a collaborator with all rights on every entity, whose state the tests change. */
  member: "",
  /** The admin's, with RIGHT_USER_INFO only. */
  restrictedAdmin: "",
  /** The admin's, with the list rights only (no rights on the listed entities). */
  lister: "",
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

/** Query parameters a route needs to be a valid request, so that only rights can fail it. */
const queryFor: Record<string, string> = {
  "/api/v3/applications/{application_ids.application_id}/devices/batch": "?device_ids=dev-a",
  "/api/v3/gateways/batch": "?gateway_ids.gateway_id=gw-a",
  "/api/v3/gateways/rights/batch":
    "?gateway_ids.gateway_id=gw-a&required.rights=RIGHT_GATEWAY_INFO",
  "/api/v3/events/related": "?correlation_id=rpc:/ttn.lorawan.v3.ApplicationRegistry/Update:x",
};

function fillPath(template: string, query = queryFor[template] ?? ""): string {
  return `${fillVariables(template)}${query}`;
}

function fillVariables(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, variable: string) => {
    if (variable === "id") return "token-id";
    // The field a variable ends in names the entity (`entity_ids.device_ids.application_ids.
    // application_id` is an application).
    const name = variable.split(".").at(-1) ?? variable;
    if (name === "key_id" || variable === "api_key.id") return pathValues.key as string;
    if (name === "session_id") return "SESSIONTHATDOESNOTEXIST";
    if (name === "device_id") return pathValues.device as string;
    if (name === "user_id") return pathValues.user as string;
    if (name === "organization_id") return pathValues.organization as string;
    if (name === "application_id") return pathValues.application as string;
    if (name === "gateway_id") return pathValues.gateway as string;
    if (name === "client_id") return pathValues.client as string;
    if (name === "frequency_plan_id") return "EU_863_870";
    if (name === "lorawan_phy_version") return "RP002_V1_0_3";
    if (name === "webhook_id") return "wh-a";
    if (name === "pub_sub_id") return "ps-a";
    // The storage integration's message type.
    if (name === "type") return "uplink_message";
    // An application package association's FPort (the storage integration's default).
    if (name === "f_port") return "200";
    throw new Error(`no value for path variable ${variable} in ${template}`);
  });
}

/** A valid body for every route that takes one, so that only the caller's rights can fail it. */
function bodyFor(method: string, template: string): unknown {
  const own = userRouteBodies[`${method} ${template}`];
  if (own) return own;
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

/** Bodies of the user routes (login tokens, invitations, validations, notifications, ...). */
const userRouteBodies: Record<string, unknown> = {
  "POST /api/v3/as/applications/{end_device_ids.application_ids.application_id}/devices/{end_device_ids.device_id}/up/simulate":
    {
      end_device_ids: { device_id: "dev-a", application_ids: { application_id: "app-a" } },
      uplink_message: { f_port: 1, frm_payload: "AQI=" },
    },
  "POST /api/v3/as/webhooks/{webhook.ids.application_ids.application_id}": {
    webhook: { ids: { webhook_id: "wh-a" }, base_url: "http://127.0.0.1:9/", format: "json" },
    field_mask: { paths: ["base_url", "format"] },
  },
  "POST /api/v3/as/pubsub/{pubsub.ids.application_ids.application_id}": {
    pubsub: {
      ids: { pub_sub_id: "ps-a" },
      format: "json",
      mqtt: { server_url: "mqtt://127.0.0.1:9" },
    },
    field_mask: { paths: ["format", "mqtt"] },
  },
  "PUT /api/v3/as/applications/{association.ids.end_device_ids.application_ids.application_id}/devices/{association.ids.end_device_ids.device_id}/packages/associations/{association.ids.f_port}":
    {
      association: { package_name: "storage-integration" },
      field_mask: { paths: ["package_name"] },
    },
  "PUT /api/v3/as/applications/{default.ids.application_ids.application_id}/packages/associations/{default.ids.f_port}":
    {
      default: { package_name: "storage-integration" },
      field_mask: { paths: ["package_name"] },
    },
  "POST /api/v3/users/{user_ids.user_id}/bookmarks": {
    entity_ids: { application_ids: { application_id: "app-a" } },
  },
  "POST /api/v3/invitations": { email: "invitee@example.com" },
  "POST /api/v3/gs/gateways/connection/stats": { gateway_ids: [{ gateway_id: "gw-a" }] },
  "POST /api/v3/contact_info/validation": { user_ids: { user_id: "admin" } },
  "PATCH /api/v3/contact_info/validation": { id: "no-such-validation", token: "no-such-token" },
  "POST /api/v3/email/validation": { user_id: "admin" },
  "PATCH /api/v3/email/validation": { id: "no-such-validation", token: "no-such-token" },
  "PATCH /api/v3/users/{receiver_ids.user_id}/notifications": {
    ids: ["00000000-0000-0000-0000-000000000000"],
    status: "NOTIFICATION_STATUS_SEEN",
  },
};

/**
 * Routes that need no credentials, as in The Things Stack, and why: what they do is sent to the
 * user's own mailbox, or is authorized by a token from it. They must not answer 401 or 403.
 */
const openToAnyone: Record<string, string> = {
  "POST /api/v3/users/{user_ids.user_id}/temporary_password":
    '"forgot my password": the temporary password goes to the user\'s address',
  "POST /api/v3/users/{user_ids.user_id}/login-tokens":
    "the login token goes to the user's address (disabled here: 400)",
  "PATCH /api/v3/contact_info/validation": "the token from the e-mail authorizes it",
  "PATCH /api/v3/email/validation": "the token from the e-mail authorizes it",
};

/** Routes a signed-in stranger may call, and why (everything else must refuse it). */
const openToSignedIn: Record<string, string> = {
  "GET /api/v3/auth_info": "everyone may ask who they are",
  "GET /api/v3/applications": "lists only the caller's own applications",
  "GET /api/v3/gateways": "lists only the caller's own gateways",
  "POST /api/v3/gateways/filter": "lists only the caller's own gateways",
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

/** Routes anyone may call, signed in or not, and why. */
const openToAll: Record<string, string> = {
  "GET /api/v3/is/configuration": "a sign-up page reads it before there is an account",
  "GET /api/v3/js/join_eui_prefixes":
    "the Join Server's configuration, open as in The Things Stack",
  "GET /api/v3/js/default_join_eui": "the Join Server's configuration, open as in The Things Stack",
  "GET /api/v3/ns/dev_addr": "the Network Server's configuration, open as in The Things Stack",
  "GET /api/v3/ns/net_id": "the Network Server's configuration, open as in The Things Stack",
  "GET /api/v3/ns/dev_addr_prefixes":
    "the Network Server's configuration, open as in The Things Stack",
  "GET /api/v3/ns/default_mac_settings/{frequency_plan_id}/{lorawan_phy_version}":
    "the Network Server's configuration, open as in The Things Stack",
  "GET /api/v3/as/webhook-formats": "the formats webhooks can use, open as in The Things Stack",
  "GET /api/v3/as/pubsub-formats": "the formats pub/subs can use, open as in The Things Stack",
  "GET /api/v3/configuration/frequency-plans":
    "the frequency plans registration forms offer, open as in The Things Stack",
  "GET /api/v3/configuration/phy-versions":
    "the regional parameters versions of each band, open as in The Things Stack",
};

/**
 * Reads that answer a signed-in caller without rights the entity's public fields (The Things
 * Stack's PublicSafe, pkg/ttnpb/public.go), with a field that is not public for the 403 check.
 */
const publicReads: Record<string, { fields: readonly string[]; notPublic: string }> = {
  "GET /api/v3/applications/{application_ids.application_id}": {
    fields: [
      "ids",
      "created_at",
      "updated_at",
      "deleted_at",
      "contact_info",
      "administrative_contact",
      "technical_contact",
    ],
    notPublic: "name",
  },
  "GET /api/v3/gateways/{gateway_ids.gateway_id}": {
    fields: [
      "ids",
      "created_at",
      "updated_at",
      "deleted_at",
      "contact_info",
      "name",
      "description",
      "frequency_plan_id",
      "frequency_plan_ids",
      "status_public",
      "gateway_server_address",
      "location_public",
      "antennas",
      "lrfhss",
      "administrative_contact",
      "technical_contact",
    ],
    notPublic: "require_authenticated_connection",
  },
  "GET /api/v3/organizations/{organization_ids.organization_id}": {
    fields: [
      "ids",
      "created_at",
      "updated_at",
      "deleted_at",
      "contact_info",
      "name",
      "administrative_contact",
      "technical_contact",
    ],
    notPublic: "description",
  },
  "GET /api/v3/users/{user_ids.user_id}": {
    fields: [
      "ids",
      "created_at",
      "updated_at",
      "deleted_at",
      "contact_info",
      "name",
      "description",
      "state",
      "admin",
      "profile_picture",
    ],
    notPublic: "primary_email_address",
  },
  "GET /api/v3/clients/{client_ids.client_id}": {
    fields: [
      "ids",
      "created_at",
      "updated_at",
      "deleted_at",
      "contact_info",
      "name",
      "description",
      "redirect_uris",
      "logout_redirect_uris",
      "state",
      "skip_authorization",
      "endorsed",
      "grants",
      "rights",
      "administrative_contact",
      "technical_contact",
    ],
    notPublic: "secret",
  },
};
for (const route of Object.keys(publicReads))
  openToSignedIn[route] = "public fields only, as The Things Stack's PublicSafe";

/** Fields of a JSON answer that are not in `allowed`. */
function beyond(json: Json, allowed: readonly string[]): string[] {
  return Object.keys(json).filter((field) => !allowed.includes(field));
}

/** Routes a collaborator whose account is suspended or rejected may still call, and why. */
const openToSuspended: Record<string, string> = {
  "GET /api/v3/auth_info": "everyone may ask who they are",
  "GET /api/v3/events/related":
    "any signed-in caller, as in TTS; events it may not see are cut to their name and ids",
};
/** Rights routes answer every caller its rights, possibly none. */
const rightsRoute = /\/rights$/;

/** Routes an admin's key without RIGHT_USER_ALL may call, and why (it acts as a non-admin). */
const openToRestrictedAdmin: Record<string, string> = {
  "GET /api/v3/auth_info": "everyone may ask who they are",
  "GET /api/v3/events/related":
    "any signed-in caller, as in TTS; events it may not see are cut to their name and ids",
  "GET /api/v3/search/applications": "finds only what the key holds RIGHT_*_INFO on: nothing",
  "GET /api/v3/search/gateways": "finds only what the key holds RIGHT_*_INFO on: nothing",
  "GET /api/v3/search/organizations": "finds only what the key holds RIGHT_*_INFO on: nothing",
  "GET /api/v3/search/clients": "finds only what the key holds RIGHT_*_INFO on: nothing",
  "GET /api/v3/search/accounts": "finds accounts to add as collaborators",
  "GET /api/v3/users/{user_ids.user_id}/bookmarks":
    "the key's own user (admin): RIGHT_USER_INFO lists its bookmarks, as The Things Stack",
  ...Object.fromEntries(Object.keys(publicReads).map((route) => [route, "public fields"])),
};

/** List routes of entities: each entry shows what the caller's rights on that entry allow. */
const entityLists: Record<string, { field: string; publicRoute: string }> = {
  "GET /api/v3/applications": {
    field: "applications",
    publicRoute: "GET /api/v3/applications/{application_ids.application_id}",
  },
  "GET /api/v3/users/{collaborator.user_ids.user_id}/applications": {
    field: "applications",
    publicRoute: "GET /api/v3/applications/{application_ids.application_id}",
  },
  "GET /api/v3/organizations/{collaborator.organization_ids.organization_id}/applications": {
    field: "applications",
    publicRoute: "GET /api/v3/applications/{application_ids.application_id}",
  },
  "GET /api/v3/gateways": {
    field: "gateways",
    publicRoute: "GET /api/v3/gateways/{gateway_ids.gateway_id}",
  },
  "GET /api/v3/users/{collaborator.user_ids.user_id}/gateways": {
    field: "gateways",
    publicRoute: "GET /api/v3/gateways/{gateway_ids.gateway_id}",
  },
  "GET /api/v3/organizations/{collaborator.organization_ids.organization_id}/gateways": {
    field: "gateways",
    publicRoute: "GET /api/v3/gateways/{gateway_ids.gateway_id}",
  },
  "GET /api/v3/organizations": {
    field: "organizations",
    publicRoute: "GET /api/v3/organizations/{organization_ids.organization_id}",
  },
  "GET /api/v3/users/{collaborator.user_ids.user_id}/organizations": {
    field: "organizations",
    publicRoute: "GET /api/v3/organizations/{organization_ids.organization_id}",
  },
  "GET /api/v3/clients": {
    field: "clients",
    publicRoute: "GET /api/v3/clients/{client_ids.client_id}",
  },
  "GET /api/v3/users/{collaborator.user_ids.user_id}/clients": {
    field: "clients",
    publicRoute: "GET /api/v3/clients/{client_ids.client_id}",
  },
  "GET /api/v3/organizations/{collaborator.organization_ids.organization_id}/clients": {
    field: "clients",
    publicRoute: "GET /api/v3/clients/{client_ids.client_id}",
  },
};

/**
 * Routes served outside the OpenAPI document (components' plain HTTP routes), with the right
 * on the path's entity they need.
 */
const webRoutes: Record<string, string> = {
  "GET /api/v3/gcs/gateways/{gateway_id}/semtechudp/global_conf.json": "RIGHT_GATEWAY_INFO",
};

/** Routes that are not served by this version (answered 501 to everyone), and why. */
const notServed: Record<string, string> = {};

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

  // Sam collaborates on every entity with all rights; the account-state tests change his state.
  await ok("POST", "/api/v3/users", {
    user: {
      ids: { user_id: "sam" },
      primary_email_address: "sam@example.com",
      password: "Correct-Horse1",
    },
  });
  keys.member = (
    await runLorastack(["is-db", "create-api-key", "--user-id", "sam"], { dataDir })
  ).stdout
    .trim()
    .split("\n")
    .at(-1) as string;
  const sam = { user_ids: { user_id: "sam" } };
  const grants: [string, string[]][] = [
    [
      "organizations/org-a",
      ["RIGHT_ORGANIZATION_ALL", "RIGHT_APPLICATION_ALL", "RIGHT_GATEWAY_ALL", "RIGHT_CLIENT_ALL"],
    ],
    ["applications/app-a", ["RIGHT_APPLICATION_ALL"]],
    ["gateways/gw-a", ["RIGHT_GATEWAY_ALL"]],
    ["clients/cli-a", ["RIGHT_CLIENT_ALL"]],
  ];
  for (const [entity, rights] of grants)
    await ok("PUT", `/api/v3/${entity}/collaborators`, { collaborator: { ids: sam, rights } });

  keys.restrictedAdmin = (
    await ok("POST", "/api/v3/users/admin/api-keys", { name: "ro", rights: ["RIGHT_USER_INFO"] })
  ).key;
  keys.lister = (
    await ok("POST", "/api/v3/users/admin/api-keys", {
      name: "lists",
      rights: [
        "RIGHT_USER_APPLICATIONS_LIST",
        "RIGHT_USER_GATEWAYS_LIST",
        "RIGHT_USER_ORGANIZATIONS_LIST",
        "RIGHT_USER_CLIENTS_LIST",
        "RIGHT_ORGANIZATION_APPLICATIONS_LIST",
        "RIGHT_ORGANIZATION_GATEWAYS_LIST",
        "RIGHT_ORGANIZATION_CLIENTS_LIST",
      ],
    })
  ).key;
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

  it("answers neither 401 nor 403 on the routes that need no credentials", async () => {
    const routes = new Set(
      (await identityRoutes()).map(({ method, template }) => `${method} ${template}`),
    );
    const wrong: string[] = [];
    for (const route of Object.keys(openToAnyone)) {
      assert.ok(routes.has(route), `${route} is served`);
      const [method, template] = route.split(" ") as [string, string];
      for (const key of [undefined, keys.stranger]) {
        const result = await call(method, fillPath(template), key, bodyFor(method, template));
        if (result.status === 401 || result.status === 403 || result.status >= 500)
          wrong.push(`${route} → ${result.status} ${result.json.message}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 401 without credentials", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      const route = `${method} ${template}`;
      if (notServed[route] || openToAnyone[route]) continue;
      const result = await call(method, fillPath(template), undefined, bodyFor(method, template));
      if (openToAll[route]) {
        if (result.status !== 200) wrong.push(`${route} → ${result.status} (open to all)`);
        continue;
      }
      if (result.status !== 401 || result.json.code !== 16)
        wrong.push(`${route} → ${result.status} ${result.json.message}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 403 to a signed-in user without rights on the entity", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      const route = `${method} ${template}`;
      if (notServed[route] || openToAnyone[route]) continue;
      const result = await call(
        method,
        fillPath(template),
        keys.stranger,
        bodyFor(method, template),
      );
      const expected = openToSignedIn[route] || openToAll[route] ? 200 : 403;
      if (result.status !== expected)
        wrong.push(`${route} → ${result.status} ${result.json.message ?? ""}`);
      if (expected === 403 && result.json.code !== 7)
        wrong.push(`${route}: code ${result.json.code}`);
      const open = publicReads[route];
      if (open && result.status === 200 && beyond(result.json, open.fields).length > 0)
        wrong.push(`${route} shows ${beyond(result.json, open.fields).join(", ")}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 403 to a signed-in user without rights asking for a field that is not public", async () => {
    const wrong: string[] = [];
    const routes = (await identityRoutes()).map(({ method, template }) => `${method} ${template}`);
    for (const [route, { notPublic }] of Object.entries(publicReads)) {
      if (!routes.includes(route)) wrong.push(`${route} is not served`);
      const template = route.split(" ")[1] as string;
      const path = fillPath(template, `?field_mask=ids,${notPublic}`);
      for (const key of [keys.stranger, keys.otherApp]) {
        const result = await call("GET", path, key);
        if (result.status !== 403 || result.json.code !== 7)
          wrong.push(`${route} with ${notPublic} → ${result.status}`);
      }
      // The owner reads the field.
      const owner = await call("GET", path, keys.admin);
      if (owner.status !== 200)
        wrong.push(`${route} with ${notPublic} → ${owner.status} to the owner`);
    }
    assert.deepEqual(wrong, []);
  });

  it("answers 403 to a key of another application on every application endpoint", async () => {
    const wrong: string[] = [];
    for (const { method, template } of await identityRoutes()) {
      if (!/^\/api\/v3\/applications\/\{/.test(template) || template.endsWith("/rights")) continue;
      // Public reads answer public fields; asking for more is covered above.
      if (publicReads[`${method} ${template}`]) continue;
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

describe("rights matrix over routes outside the OpenAPI document", () => {
  it("answers 401 without credentials, 403 without rights or to a suspended user, 200 with them", async () => {
    const wrong: string[] = [];
    const check = async (route: string, key: string | undefined, status: number, who: string) => {
      const [method, template] = route.split(" ") as [string, string];
      const result = await call(method, fillPath(template), key);
      const code = { 401: 16, 403: 7 }[status as 401 | 403];
      if (result.status !== status || (code !== undefined && result.json.code !== code))
        wrong.push(`${route} (${who}) → ${result.status} ${result.json.message ?? ""}`);
    };
    for (const route of Object.keys(webRoutes)) {
      await check(route, undefined, 401, "no credentials");
      await check(route, keys.stranger, 403, "stranger");
      await check(route, keys.otherApp, 403, "other application's key");
      await check(route, keys.restrictedAdmin, 403, "admin key without RIGHT_USER_ALL");
      await check(route, keys.admin, 200, "owner");
      await check(route, keys.member, 200, "collaborator");
      await setSamState("STATE_SUSPENDED");
      try {
        await check(route, keys.member, 403, "suspended collaborator");
      } finally {
        await setSamState("STATE_APPROVED");
      }
    }
    assert.deepEqual(wrong, []);
  });
});

/** Calls every served route with `key`; lists what does not answer 200 where open, 403 elsewhere. */
async function refusedExcept(key: string, open: (route: string) => boolean): Promise<string[]> {
  const wrong: string[] = [];
  for (const { method, template } of await identityRoutes()) {
    const route = `${method} ${template}`;
    if (notServed[route] || openToAnyone[route]) continue;
    const result = await call(method, fillPath(template), key, bodyFor(method, template));
    const expected = open(route) || openToAll[route] ? 200 : 403;
    if (result.status !== expected || (expected === 403 && result.json.code !== 7))
      wrong.push(`${route} → ${result.status} ${result.json.message ?? ""}`);
  }
  return wrong;
}

async function setSamState(state: string): Promise<void> {
  await ok("PUT", "/api/v3/users/sam", { user: { state }, field_mask: { paths: ["state"] } });
}

describe("rights matrix over account states", () => {
  it("lets an approved collaborator in, so that a refusal below is the state's", async () => {
    for (const path of [
      "/api/v3/applications/app-a?field_mask=name",
      "/api/v3/applications/app-a/devices",
      "/api/v3/gateways/gw-a?field_mask=require_authenticated_connection",
      "/api/v3/organizations/org-a?field_mask=description",
      "/api/v3/clients/cli-a?field_mask=attributes",
      "/api/v3/applications/app-b?field_mask=name",
      "/api/v3/applications",
    ]) {
      const result = await call("GET", path, keys.member);
      assert.equal(result.status, 200, `${path}: ${JSON.stringify(result.json)}`);
    }
  });

  for (const [state, error] of [
    ["STATE_SUSPENDED", "user_suspended"],
    ["STATE_REJECTED", "user_rejected"],
  ] as const) {
    it(`answers 403 to a collaborator whose account is ${state}`, async () => {
      await setSamState(state);
      try {
        const wrong = await refusedExcept(
          keys.member,
          (route) => openToSuspended[route] !== undefined || rightsRoute.test(route),
        );
        assert.deepEqual(wrong, []);
        const refusal = await call("GET", "/api/v3/applications/app-a", keys.member);
        assert.equal(refusal.json.details?.[0]?.name, error);
      } finally {
        await setSamState("STATE_APPROVED");
      }
    });
  }
});

describe("rights matrix over restricted admin keys", () => {
  it("treats an admin's key without RIGHT_USER_ALL as a non-admin's", async () => {
    const wrong = await refusedExcept(
      keys.restrictedAdmin,
      (route) => openToRestrictedAdmin[route] !== undefined || rightsRoute.test(route),
    );
    assert.deepEqual(wrong, []);
    const info = await call("GET", "/api/v3/auth_info", keys.restrictedAdmin);
    assert.equal(info.json.is_admin ?? false, false);
  });
});

describe("rights matrix over list calls", () => {
  it("covers every list route of entities the program serves", async () => {
    const served = new Set(
      (await identityRoutes()).map(({ method, template }) => `${method} ${template}`),
    );
    for (const route of Object.keys(entityLists)) assert.ok(served.has(route), route);
  });

  it("shows per entity only the public fields without rights on it", async () => {
    const wrong: string[] = [];
    let entries = 0;
    for (const [route, { field, publicRoute }] of Object.entries(entityLists)) {
      const template = route.split(" ")[1] as string;
      const result = await call("GET", fillPath(template), keys.lister);
      if (result.status !== 200) {
        wrong.push(`${route} → ${result.status} ${result.json.message}`);
        continue;
      }
      const allowed = publicReads[publicRoute]?.fields ?? [];
      for (const entry of (result.json[field] ?? []) as Json[]) {
        entries++;
        const extra = beyond(entry, allowed);
        if (extra.length > 0) wrong.push(`${route} shows ${extra.join(", ")}`);
      }
      // Without the list right on the account, nothing is listed.
      const refused = await call("GET", fillPath(template), keys.restrictedAdmin);
      if (refused.status !== 403) wrong.push(`${route} → ${refused.status} without the list right`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(entries >= 5, `expected entries to check, got ${entries}`);
    // The same lists with all rights show the rest.
    const gateways = await ok("GET", "/api/v3/gateways");
    const gateway = gateways.gateways.find((g: Json) => g.ids.gateway_id === "gw-a");
    assert.equal(gateway.require_authenticated_connection, true);
    assert.equal(gateway.antennas[0].location.latitude, 52.1);
    const listed = await call("GET", "/api/v3/gateways", keys.lister);
    const bare = listed.json.gateways.find((g: Json) => g.ids.gateway_id === "gw-a");
    assert.equal(bare.require_authenticated_connection, undefined);
    assert.equal(bare.antennas[0].location, undefined, "location_public is false");
    assert.equal(bare.gateway_server_address, "lns.example.com", "status_public is true");
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

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

/**
 * Rights that hold (issue 9, points 1–5 and 16) and The Things Stack's public reads (issue 8),
 * through the real program: each case is a reproduction that answered 2xx, or more than the
 * caller may see, before.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
/** Keys with all rights of the users of the same name (made with the CLI). */
const keys: Record<string, string> = {};

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
    json: (text ? JSON.parse(text) : {}) as Json,
    total: response.headers.get("x-total-count"),
  };
}

/** Calls and asserts the status; returns the JSON answer. */
async function expect(
  status: number,
  method: string,
  path: string,
  key: string | undefined,
  body?: unknown,
): Promise<Json> {
  const result = await call(method, path, key, body);
  assert.equal(result.status, status, `${method} ${path}: ${JSON.stringify(result.json)}`);
  return result.json;
}

/** The error name of a refusal (`user_suspended`, `missing_rights`, ...). */
function errorName(json: Json): string {
  return String(json.details?.[0]?.name ?? "");
}

async function cli(args: string[]): Promise<string> {
  const result = await runLorastack(args, { dataDir });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split("\n").at(-1) as string;
}

/** Creates a user over the API, and a key with all its rights with the CLI when asked. */
async function createUser(id: string, fields: Json = {}, withKey = true): Promise<void> {
  await expect(200, "POST", "/users", keys.admin, {
    user: {
      ids: { user_id: id },
      primary_email_address: `${id}@example.com`,
      password: "Correct-Horse1",
      ...fields,
    },
  });
  // Admins hold no rights on other users' keys: the first key of a user comes from the CLI.
  if (withKey) keys[id] = await cli(["is-db", "create-api-key", "--user-id", id]);
}

/** A key of `owner` (`users/alice`, `applications/app-a`) with the rights, made over the API. */
async function keyOf(owner: string, rights: string[], by: string, extra: Json = {}) {
  const key = await expect(200, "POST", `/${owner}/api-keys`, by, {
    name: "k",
    rights,
    ...extra,
  });
  return { id: String(key.id), token: String(key.key) };
}

async function setState(user: string, state: string): Promise<void> {
  await expect(200, "PUT", `/users/${user}`, keys.admin, {
    user: { state },
    field_mask: { paths: ["state"] },
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-authz-"));
  await cli([
    "is-db",
    "create-admin-user",
    "--id",
    "admin",
    "--email",
    "admin@example.com",
    "--password",
    "Correct-Horse1",
  ]);
  keys.admin = await cli(["is-db", "create-api-key", "--user-id", "admin"]);
  stack = await startLorastack({ dataDir });
  await Promise.all([
    createUser("alice"),
    createUser("bob"),
    createUser("carol"),
    createUser("boss", { admin: true }),
  ]);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("account states (issue 9 #1)", () => {
  it("leaves a suspended admin only its own info: no users, no un-suspending itself", async () => {
    const boss = keys.boss as string;
    await expect(200, "GET", "/users", boss);
    await setState("boss", "STATE_SUSPENDED");
    assert.equal(errorName(await expect(403, "GET", "/users", boss)), "user_suspended");
    await expect(403, "PUT", "/users/boss", boss, {
      user: { state: "STATE_APPROVED" },
      field_mask: { paths: ["state"] },
    });
    const stored = await expect(200, "GET", "/users/boss?field_mask=state,admin", keys.admin);
    assert.equal(stored.state, "STATE_SUSPENDED");
    // RIGHT_USER_INFO on itself stays, as in The Things Stack.
    assert.equal((await expect(200, "GET", "/users/boss", boss)).ids.user_id, "boss");
    const authInfo = await expect(200, "GET", "/auth_info", boss);
    assert.equal(authInfo.is_admin ?? false, false);
    await expect(403, "POST", "/users/boss/applications", boss, {
      application: { ids: { application_id: "boss-app" } },
    });
    await expect(403, "POST", "/users", boss, {
      user: {
        ids: { user_id: "mallory" },
        primary_email_address: "mallory@example.com",
        password: "Correct-Horse1",
        admin: true,
      },
    });
    await setState("boss", "STATE_APPROVED");
    await expect(200, "GET", "/users", boss);
  });

  it("stops a suspended or rejected user's key from creating applications", async () => {
    const carol = keys.carol as string;
    await expect(200, "POST", "/users/carol/applications", carol, {
      application: { ids: { application_id: "carol-one" } },
    });
    for (const [state, error] of [
      ["STATE_SUSPENDED", "user_suspended"],
      ["STATE_REJECTED", "user_rejected"],
      ["STATE_REQUESTED", "user_requested"],
    ] as const) {
      await setState("carol", state);
      const refused = await expect(403, "POST", "/users/carol/applications", carol, {
        application: { ids: { application_id: "carol-two" } },
      });
      assert.equal(errorName(refused), error, state);
      // Its own application is out of reach too, and so are other entities' public fields.
      await expect(403, "GET", "/applications/carol-one", carol);
      await expect(403, "GET", "/users/alice", carol);
      assert.deepEqual(
        (await expect(200, "GET", "/applications/carol-one/rights", carol)).rights ?? [],
        [],
      );
    }
    // A flagged user keeps its rights ("innocent until proven guilty").
    await setState("carol", "STATE_FLAGGED");
    await expect(200, "GET", "/applications/carol-one?field_mask=name", carol);
    await setState("carol", "STATE_APPROVED");
    await expect(200, "GET", "/applications/carol-one?field_mask=name", carol);
  });

  it("counts the admin flag of a flagged user for nothing", async () => {
    await setState("boss", "STATE_FLAGGED");
    await expect(403, "GET", "/users", keys.boss);
    await setState("boss", "STATE_APPROVED");
  });
});

describe("restricted keys of admins (issue 9 #2)", () => {
  it("acts as a non-admin with a key or token lacking RIGHT_USER_ALL", async () => {
    await expect(200, "POST", "/users/alice/applications", keys.alice, {
      application: { ids: { application_id: "doomed" } },
    });
    await expect(200, "DELETE", "/applications/doomed", keys.alice);
    const { token: restricted } = await keyOf(
      "users/admin",
      ["RIGHT_USER_INFO"],
      keys.admin as string,
    );
    await expect(403, "GET", "/users", restricted);
    await expect(403, "POST", "/users", restricted, {
      user: {
        ids: { user_id: "mallory" },
        primary_email_address: "mallory@example.com",
        password: "Correct-Horse1",
        admin: true,
      },
    });
    await expect(403, "DELETE", "/applications/doomed/purge", restricted);
    await expect(403, "GET", "/applications?deleted=true", restricted);
    await expect(403, "GET", "/applications/doomed?field_mask=name", restricted);
    const authInfo = await expect(200, "GET", "/auth_info", restricted);
    assert.equal(authInfo.is_admin ?? false, false);
    assert.equal(authInfo.universal_rights, undefined);

    // The same admin with a key carrying all rights.
    const deleted = await call("GET", "/applications?deleted=true", keys.admin);
    assert.equal(deleted.status, 200);
    assert.ok(deleted.json.applications.some((a: Json) => a.ids.application_id === "doomed"));
    await expect(200, "DELETE", "/applications/doomed/purge", keys.admin);
    assert.equal((await expect(200, "GET", "/auth_info", keys.admin)).is_admin, true);
  });
});

describe("list calls (issue 9 #3)", () => {
  before(async () => {
    const alice = keys.alice as string;
    await expect(200, "POST", "/users/alice/organizations", alice, {
      organization: { ids: { organization_id: "alice-org" }, name: "Alice's", description: "x" },
    });
    for (const id of ["list-a", "list-b", "list-c"]) {
      await expect(200, "POST", "/users/alice/applications", alice, {
        application: {
          ids: { application_id: id },
          name: `Name ${id}`,
          description: "secret plans",
          attributes: { budget: "large" },
        },
      });
    }
    for (const id of ["list-d", "list-e"]) {
      await expect(200, "POST", "/organizations/alice-org/applications", alice, {
        application: { ids: { application_id: id }, name: `Name ${id}` },
      });
    }
    // Bob's application is not alice's: never listed to her.
    await expect(200, "POST", "/users/bob/applications", keys.bob, {
      application: { ids: { application_id: "list-bob" }, name: "Bob's" },
    });
    for (const [id, locationPublic] of [
      ["gw-hidden", false],
      ["gw-shown", true],
    ] as const) {
      await expect(200, "POST", "/users/alice/gateways", alice, {
        gateway: {
          ids: { gateway_id: id },
          name: `Gateway ${id}`,
          frequency_plan_ids: ["EU_863_870"],
          gateway_server_address: "gs.example.com",
          location_public: locationPublic,
          antennas: [{ gain: 3, location: { latitude: 52.37, longitude: 4.89, altitude: 2 } }],
        },
      });
    }
  });

  it("refuses a key with only RIGHT_USER_INFO the list it refuses the entity", async () => {
    const info = await keyOf("users/alice", ["RIGHT_USER_INFO"], keys.alice as string);
    await expect(403, "GET", "/applications/list-a?field_mask=name", info.token);
    await expect(403, "GET", "/applications", info.token);
    await expect(403, "GET", "/users/alice/applications", info.token);
    await expect(403, "GET", "/gateways", info.token);
  });

  it("shows per entity only what the rights on that entity allow", async () => {
    const lister = await keyOf(
      "users/alice",
      ["RIGHT_USER_APPLICATIONS_LIST", "RIGHT_USER_GATEWAYS_LIST"],
      keys.alice as string,
    );
    const listed = await call("GET", "/applications", lister.token);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.applications.map((a: Json) => a.ids.application_id),
      ["list-a", "list-b", "list-c", "list-d", "list-e"],
    );
    for (const application of listed.json.applications) {
      assert.equal(application.name, undefined, JSON.stringify(application));
      assert.equal(application.description, undefined);
      assert.equal(application.attributes, undefined);
      assert.ok(application.created_at);
    }
    // With the info right on the applications: everything.
    const reader = await keyOf(
      "users/alice",
      ["RIGHT_USER_APPLICATIONS_LIST", "RIGHT_APPLICATION_INFO"],
      keys.alice as string,
    );
    const full = await expect(200, "GET", "/applications?limit=2", reader.token);
    assert.deepEqual(
      full.applications.map((a: Json) => [a.name, a.attributes]),
      [
        ["Name list-a", { budget: "large" }],
        ["Name list-b", { budget: "large" }],
      ],
    );
  });

  it("pages over the caller's entities in SQL, directly and through organizations", async () => {
    const alice = keys.alice as string;
    const pages: string[] = [];
    for (const page of [1, 2, 3]) {
      const result = await call("GET", `/applications?limit=2&page=${page}`, alice);
      assert.equal(result.status, 200);
      assert.equal(result.total, "5");
      pages.push(...result.json.applications.map((a: Json) => a.ids.application_id));
    }
    assert.deepEqual(pages, ["list-a", "list-b", "list-c", "list-d", "list-e"]);
    const ofOrganization = await call("GET", "/organizations/alice-org/applications", alice);
    assert.equal(ofOrganization.total, "2");
  });

  it("lists gateway locations only when public or with RIGHT_GATEWAY_LOCATION_READ", async () => {
    const lister = await keyOf(
      "users/alice",
      ["RIGHT_USER_GATEWAYS_LIST", "RIGHT_GATEWAY_INFO"],
      keys.alice as string,
    );
    const byId = async (key: string) =>
      Object.fromEntries(
        (await expect(200, "GET", "/gateways", key)).gateways.map((g: Json) => [
          g.ids.gateway_id,
          g,
        ]),
      );
    const info = await byId(lister.token);
    assert.equal(info["gw-hidden"].name, "Gateway gw-hidden");
    assert.equal(info["gw-hidden"].antennas[0].gain, 3);
    assert.equal(info["gw-hidden"].antennas[0].location, undefined);
    assert.equal(info["gw-shown"].antennas[0].location.latitude, 52.37);
    const owner = await byId(keys.alice as string);
    assert.equal(owner["gw-hidden"].antennas[0].location.latitude, 52.37);
    // Without the info right: the public fields, no server address without status_public.
    const bare = await keyOf("users/alice", ["RIGHT_USER_GATEWAYS_LIST"], keys.alice as string);
    const publicOnly = await byId(bare.token);
    assert.equal(publicOnly["gw-hidden"].name, "Gateway gw-hidden");
    assert.equal(publicOnly["gw-hidden"].antennas[0].location, undefined);
    assert.equal(publicOnly["gw-hidden"].gateway_server_address, undefined);
    assert.equal(publicOnly["gw-shown"].antennas[0].location.longitude, 4.89);
  });
});

describe("collaborators (issue 9 #4)", () => {
  before(async () => {
    await expect(200, "POST", "/users/alice/applications", keys.alice, {
      application: { ids: { application_id: "shared" } },
    });
    await expect(200, "PUT", "/applications/shared/collaborators", keys.alice, {
      collaborator: {
        ids: { user_ids: { user_id: "bob" } },
        rights: ["RIGHT_APPLICATION_SETTINGS_COLLABORATORS", "RIGHT_APPLICATION_INFO"],
      },
    });
  });

  const alice = { user_ids: { user_id: "alice" } };

  it("keeps a lesser collaborator from demoting or removing the owner", async () => {
    const demote = await expect(403, "PUT", "/applications/shared/collaborators", keys.bob, {
      collaborator: { ids: alice, rights: ["RIGHT_APPLICATION_INFO"] },
    });
    assert.equal(errorName(demote), "missing_rights");
    await expect(403, "DELETE", "/applications/shared/collaborator/user/alice", keys.bob);
    const owner = await expect(
      200,
      "GET",
      "/applications/shared/collaborator/user/alice",
      keys.alice,
    );
    assert.deepEqual(owner.rights, ["RIGHT_APPLICATION_ALL"]);
    // Bob still manages what he holds himself.
    await expect(200, "PUT", "/applications/shared/collaborators", keys.bob, {
      collaborator: { ids: { user_ids: { user_id: "carol" } }, rights: ["RIGHT_APPLICATION_INFO"] },
    });
    await expect(200, "DELETE", "/applications/shared/collaborator/user/carol", keys.bob);
  });

  it("keeps the last collaborator with all rights", async () => {
    const leave = await expect(
      400,
      "DELETE",
      "/applications/shared/collaborator/user/alice",
      keys.alice,
    );
    assert.equal(errorName(leave), "application_needs_collaborator");
    await expect(400, "PUT", "/applications/shared/collaborators", keys.alice, {
      collaborator: { ids: alice, rights: ["RIGHT_APPLICATION_INFO"] },
    });
    // With a second owner, either may go.
    await expect(200, "PUT", "/applications/shared/collaborators", keys.alice, {
      collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_APPLICATION_ALL"] },
    });
    await expect(200, "PUT", "/applications/shared/collaborators", keys.bob, {
      collaborator: { ids: alice, rights: ["RIGHT_APPLICATION_INFO"] },
    });
    await expect(400, "DELETE", "/applications/shared/collaborator/user/bob", keys.bob);
  });

  it("applies the same rules to organization members", async () => {
    const alice_ = keys.alice as string;
    await expect(200, "POST", "/users/alice/organizations", alice_, {
      organization: { ids: { organization_id: "members-org" } },
    });
    await expect(200, "PUT", "/organizations/members-org/collaborators", alice_, {
      collaborator: {
        ids: { user_ids: { user_id: "bob" } },
        rights: ["RIGHT_ORGANIZATION_SETTINGS_MEMBERS", "RIGHT_ORGANIZATION_INFO"],
      },
    });
    await expect(403, "PUT", "/organizations/members-org/collaborators", keys.bob, {
      collaborator: { ids: alice, rights: ["RIGHT_ORGANIZATION_INFO"] },
    });
    await expect(403, "DELETE", "/organizations/members-org/collaborators/user/alice", keys.bob);
    const last = await expect(
      400,
      "DELETE",
      "/organizations/members-org/collaborators/user/alice",
      alice_,
    );
    assert.equal(errorName(last), "organization_needs_collaborator");
  });
});

describe("API keys (issue 9 #5)", () => {
  it("keeps a key with only SETTINGS_API_KEYS from cutting down a stronger key", async () => {
    const alice = keys.alice as string;
    await expect(200, "POST", "/users/alice/applications", alice, {
      application: { ids: { application_id: "keyed" } },
    });
    const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const strong = await keyOf("applications/keyed", ["RIGHT_APPLICATION_ALL"], alice, {
      expires_at: in30Days,
    });
    const weak = await keyOf("applications/keyed", ["RIGHT_APPLICATION_SETTINGS_API_KEYS"], alice);
    const path = `/applications/keyed/api-keys/${strong.id}`;
    const strip = await expect(403, "PUT", path, weak.token, {
      api_key: { rights: ["RIGHT_APPLICATION_INFO"] },
      field_mask: { paths: ["rights"] },
    });
    assert.equal(errorName(strip), "missing_rights");
    await expect(403, "DELETE", path, weak.token);
    // Longer life is more power; a shorter one is allowed, as in The Things Stack.
    await expect(403, "PUT", path, weak.token, {
      api_key: { expires_at: new Date(Date.now() + 60 * 86_400_000).toISOString() },
      field_mask: { paths: ["expires_at"] },
    });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const shortened = await expect(200, "PUT", path, weak.token, {
      api_key: { expires_at: tomorrow },
      field_mask: { paths: ["expires_at"] },
    });
    assert.equal(shortened.expires_at, tomorrow);
    const kept = await expect(200, "GET", path, alice);
    assert.deepEqual(kept.rights, ["RIGHT_APPLICATION_ALL"]);
    assert.equal(kept.key, undefined, "the secret is never read back");
    // The stronger key may cut down or delete the weaker one.
    await expect(200, "DELETE", `/applications/keyed/api-keys/${weak.id}`, strong.token);
    await expect(200, "DELETE", path, alice);
  });
});

describe("purging users (issue 9 #16)", () => {
  it("refuses to purge the last collaborator with all rights of an entity", async () => {
    await createUser("dora", {}, false);
    // Admins may create gateways for users; dora is its only collaborator.
    await expect(200, "POST", "/users/dora/gateways", keys.admin, {
      gateway: { ids: { gateway_id: "dora-gw" }, frequency_plan_ids: ["EU_863_870"] },
    });
    await expect(200, "DELETE", "/users/dora", keys.admin);
    const refused = await expect(400, "DELETE", "/users/dora/purge", keys.admin);
    assert.equal(errorName(refused), "last_collaborator");
    assert.match(refused.message, /gateway `dora-gw`/);
    await expect(200, "GET", "/gateways/dora-gw?field_mask=name", keys.admin);
    // Once the gateway is gone too, nothing is left without an owner.
    await expect(200, "DELETE", "/gateways/dora-gw/purge", keys.admin);
    await expect(200, "DELETE", "/users/dora/purge", keys.admin);
    await expect(404, "GET", "/users/dora", keys.admin);
  });
});

describe("public reads (issue 8)", () => {
  it("shows an application's public fields to any authenticated caller, and only those", async () => {
    const carol = keys.carol as string;
    const read = await expect(200, "GET", "/applications/list-a", carol);
    assert.equal(read.ids.application_id, "list-a");
    assert.ok(read.created_at && read.updated_at);
    assert.equal(read.name, undefined);
    assert.equal(read.description, undefined);
    assert.equal(read.attributes, undefined);
    await expect(
      200,
      "GET",
      "/applications/list-a?field_mask=ids,created_at,administrative_contact",
      carol,
    );
    const named = await expect(403, "GET", "/applications/list-a?field_mask=name", carol);
    assert.equal(errorName(named), "no_rights");
    await expect(403, "GET", "/applications/list-a?field_mask=ids,attributes", carol);
    await expect(401, "GET", "/applications/list-a", undefined);
    // The owner reads everything.
    const own = await expect(200, "GET", "/applications/list-a", keys.alice);
    assert.equal(own.description, "secret plans");
  });

  it("shows a gateway's public fields, with what status_public and location_public open", async () => {
    const carol = keys.carol as string;
    const hidden = await expect(200, "GET", "/gateways/gw-hidden", carol);
    assert.equal(hidden.name, "Gateway gw-hidden");
    assert.deepEqual(hidden.frequency_plan_ids, ["EU_863_870"]);
    assert.equal(hidden.antennas[0].gain, 3);
    assert.equal(hidden.antennas[0].location, undefined);
    assert.equal(hidden.gateway_server_address, undefined, "status_public is false");
    const shown = await expect(200, "GET", "/gateways/gw-shown?field_mask=antennas,name", carol);
    assert.equal(shown.antennas[0].location.latitude, 52.37);
    await expect(403, "GET", "/gateways/gw-shown?field_mask=attributes", carol);
    await expect(403, "GET", "/gateways/gw-shown?field_mask=version_ids", carol);
    await expect(200, "PUT", "/gateways/gw-hidden", keys.alice, {
      gateway: { status_public: true },
      field_mask: { paths: ["status_public"] },
    });
    const open = await expect(200, "GET", "/gateways/gw-hidden", carol);
    assert.equal(open.gateway_server_address, "gs.example.com");
  });

  it("shows organizations, users and clients as The Things Stack's PublicSafe", async () => {
    const carol = keys.carol as string;
    const organization = await expect(200, "GET", "/organizations/alice-org", carol);
    assert.equal(organization.name, "Alice's");
    assert.equal(organization.description, undefined);
    await expect(403, "GET", "/organizations/alice-org?field_mask=description", carol);

    const user = await expect(200, "GET", "/users/alice", carol);
    assert.equal(user.ids.user_id, "alice");
    assert.equal(user.primary_email_address, undefined);
    await expect(200, "GET", "/users/alice?field_mask=name,state,admin", carol);
    await expect(403, "GET", "/users/alice?field_mask=primary_email_address", carol);

    const created = await expect(200, "POST", "/users/alice/clients", keys.alice, {
      client: {
        ids: { client_id: "alice-cli" },
        name: "Alice's client",
        redirect_uris: ["https://alice.example.com/cb"],
      },
    });
    assert.ok(String(created.secret).length > 20, "the secret is shown once, on create");
    const client = await expect(200, "GET", "/clients/alice-cli", carol);
    assert.equal(client.name, "Alice's client");
    assert.deepEqual(client.redirect_uris, ["https://alice.example.com/cb"]);
    assert.equal(client.secret, undefined);
    await expect(403, "GET", "/clients/alice-cli?field_mask=secret", carol);
    await expect(403, "GET", "/clients/alice-cli?field_mask=attributes", carol);
  });

  it("never returns secrets on reads, even to those who may change them", async () => {
    const secret = await expect(
      200,
      "GET",
      "/clients/alice-cli?field_mask=secret,name",
      keys.alice,
    );
    assert.equal(secret.secret, undefined);
    const listedKeys = await expect(200, "GET", "/users/alice/api-keys", keys.alice);
    assert.ok(listedKeys.api_keys.length > 0);
    for (const key of listedKeys.api_keys) assert.equal(key.key, undefined);
  });
});

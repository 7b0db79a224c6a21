import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateApiKey, hashApiKeySecret } from "./api-keys/index.ts";
import { authenticate } from "./authenticate.ts";
import {
  principalOf,
  requireActiveAccount,
  requireRightsOn,
  rightsOn,
  rightsOnEach,
} from "./authorize.ts";
import type { AccessLookup, Caller, StoredApiKey, StoredUser } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import {
  errMissingRights,
  errNoRights,
  errTokenExpired,
  errUnknownToken,
  errUnsupportedAuthorization,
  errUserRejected,
  errUserRequested,
  errUserSuspended,
} from "./errors.ts";
import { type RightName, rightsOfKind } from "./rights/index.ts";

const appA: EntityRef = { kind: "application", id: "app-a" };
const appB: EntityRef = { kind: "application", id: "app-b" };
const alice: EntityRef = { kind: "user", id: "alice" };
const acme: EntityRef = { kind: "organization", id: "acme" };

function fixture() {
  const keys = new Map<string, StoredApiKey>();
  const memberships = new Map<string, string[]>();
  const users = new Map<string, StoredUser>([
    ["alice", { admin: false, state: "STATE_APPROVED" }],
    ["root", { admin: true, state: "STATE_APPROVED" }],
  ]);
  const lookup: AccessLookup = {
    apiKey: async (id) => keys.get(id),
    user: async (id) => users.get(id),
    membershipRights: async (account, entity) =>
      new Set(memberships.get(`${account.kind}:${account.id}>${entity.kind}:${entity.id}`) ?? []),
  };
  const addKey = (owner: EntityRef, rights: RightName[], expiresAt?: Date) => {
    const key = generateApiKey();
    keys.set(key.id, {
      id: key.id,
      secretHash: hashApiKeySecret(key.secret),
      owner,
      rights,
      expiresAt,
    });
    return key.token;
  };
  const member = (account: EntityRef, entity: EntityRef, rights: RightName[]) =>
    memberships.set(`${account.kind}:${account.id}>${entity.kind}:${entity.id}`, rights);
  return { lookup, addKey, member, users };
}

describe("authenticate", () => {
  it("has no caller without an Authorization header", async () => {
    assert.equal(await authenticate(undefined, fixture().lookup), undefined);
  });

  it("accepts a stored API key and refuses a wrong secret, an unknown key and other schemes", async () => {
    const { lookup, addKey } = fixture();
    const token = addKey(appA, ["RIGHT_APPLICATION_INFO"]);
    const caller = await authenticate(`Bearer ${token}`, lookup);
    assert.equal(caller?.kind, "api-key");
    assert.deepEqual(caller?.kind === "api-key" && caller.owner, appA);

    const [prefix, id, secret] = token.split(".");
    const wrongSecret = `${prefix}.${id}.${secret?.slice(0, -1)}${secret?.endsWith("A") ? "B" : "A"}`;
    await assert.rejects(authenticate(`Bearer ${wrongSecret}`, lookup), (e: unknown) =>
      errUnknownToken.matches(e),
    );
    await assert.rejects(authenticate(`Bearer ${generateApiKey().token}`, lookup), (e: unknown) =>
      errUnknownToken.matches(e),
    );
    await assert.rejects(authenticate(`Basic abc`, lookup), (e: unknown) =>
      errUnsupportedAuthorization.matches(e),
    );
  });

  it("refuses an expired key", async () => {
    const { lookup, addKey } = fixture();
    const token = addKey(appA, ["RIGHT_APPLICATION_INFO"], new Date("2026-01-01T00:00:00Z"));
    await assert.rejects(
      authenticate(`Bearer ${token}`, lookup, new Date("2026-06-01T00:00:00Z")),
      (e: unknown) => errTokenExpired.matches(e),
    );
  });
});

describe("rightsOn", () => {
  it("gives an application key its rights on its application and nothing on another", async () => {
    const { lookup, addKey } = fixture();
    const caller = await authenticate(`Bearer ${addKey(appA, ["RIGHT_APPLICATION_ALL"])}`, lookup);
    assert.ok(caller);
    assert.ok((await rightsOn(caller, appA, lookup)).has("RIGHT_APPLICATION_DEVICES_WRITE"));
    assert.ok(
      (await rightsOn(caller, { kind: "end_device", id: "app-a.dev-1" }, lookup)).has(
        "RIGHT_APPLICATION_INFO",
      ),
    );
    assert.equal((await rightsOn(caller, appB, lookup)).size, 0);
    await assert.rejects(
      requireRightsOn(caller, appB, ["RIGHT_APPLICATION_INFO"], lookup),
      (e: unknown) => errNoRights.matches(e),
    );
  });

  it("bounds a user key by the user's memberships, directly and through organizations", async () => {
    const { lookup, addKey, member } = fixture();
    member(alice, appA, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
    member(alice, appB, ["RIGHT_APPLICATION_INFO"]);
    const caller = await authenticate(
      `Bearer ${addKey(alice, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_WRITE"])}`,
      lookup,
    );
    assert.ok(caller);
    assert.deepEqual([...(await rightsOn(caller, appA, lookup))], ["RIGHT_APPLICATION_INFO"]);
    await assert.rejects(
      requireRightsOn(caller, appA, ["RIGHT_APPLICATION_DEVICES_WRITE"], lookup),
      (e: unknown) =>
        errMissingRights.matches(e) && /RIGHT_APPLICATION_DEVICES_WRITE/.test(e.message),
    );
    const ownRights = await rightsOn(caller, alice, lookup);
    assert.ok(!ownRights.has("RIGHT_USER_INFO"), "the key holds no user rights");
    assert.ok(ownRights.has("RIGHT_APPLICATION_INFO"), "a user key may hold application rights");
  });

  it("gives an organization key the organization's rights on an entity, bounded by the key", async () => {
    const { lookup, addKey, member } = fixture();
    member(acme, appA, ["RIGHT_APPLICATION_ALL"]);
    const caller = await authenticate(`Bearer ${addKey(acme, ["RIGHT_APPLICATION_INFO"])}`, lookup);
    assert.ok(caller);
    assert.deepEqual([...(await rightsOn(caller, appA, lookup))], ["RIGHT_APPLICATION_INFO"]);
    assert.equal((await rightsOn(caller, appB, lookup)).size, 0);
  });

  it("gives an admin user's key the admin rights everywhere, but not key-management rights", async () => {
    const { lookup, addKey } = fixture();
    const caller = await authenticate(
      `Bearer ${addKey({ kind: "user", id: "root" }, ["RIGHT_ALL"])}`,
      lookup,
    );
    assert.ok(caller);
    const rights = await rightsOn(caller, appB, lookup);
    assert.ok(rights.has("RIGHT_APPLICATION_DEVICES_WRITE"));
    assert.ok(!rights.has("RIGHT_APPLICATION_DEVICES_READ_KEYS"));
  });
});

describe("account states", () => {
  const root: EntityRef = { kind: "user", id: "root" };

  async function callerOf(lookup: AccessLookup, token: string): Promise<Caller> {
    const caller = await authenticate(`Bearer ${token}`, lookup);
    assert.ok(caller);
    return caller;
  }

  it("leaves a suspended, rejected or pending user only TTS's few rights on itself", async () => {
    const cases = [
      { state: "STATE_SUSPENDED", kept: ["RIGHT_USER_INFO"], refusal: errUserSuspended },
      {
        state: "STATE_REJECTED",
        kept: ["RIGHT_USER_DELETE", "RIGHT_USER_INFO"],
        refusal: errUserRejected,
      },
      {
        state: "STATE_REQUESTED",
        kept: ["RIGHT_USER_DELETE", "RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"],
        refusal: errUserRequested,
      },
      // Stored without a state: the API shows it as requested, and so it is treated.
      {
        state: undefined,
        kept: ["RIGHT_USER_DELETE", "RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"],
        refusal: errUserRequested,
      },
    ];
    for (const { state, kept, refusal } of cases) {
      const { lookup, addKey, member, users } = fixture();
      users.set("alice", { admin: false, state });
      member(alice, appA, ["RIGHT_APPLICATION_ALL"]);
      const caller = await callerOf(lookup, addKey(alice, ["RIGHT_ALL"]));
      assert.deepEqual([...(await rightsOn(caller, alice, lookup))].sort(), kept, String(state));
      assert.equal((await rightsOn(caller, appA, lookup)).size, 0, String(state));
      await assert.rejects(
        requireRightsOn(caller, appA, ["RIGHT_APPLICATION_INFO"], lookup),
        (e: unknown) => refusal.matches(e),
      );
      await assert.rejects(requireActiveAccount(caller, lookup), (e: unknown) =>
        refusal.matches(e),
      );
      // OAuth tokens and sessions of the user are bound the same way.
      const token: Caller = {
        kind: "user",
        userId: "alice",
        rights: new Set<RightName>(["RIGHT_ALL"]),
        via: "oauth",
      };
      assert.equal((await rightsOn(token, appA, lookup)).size, 0);
    }
  });

  it("takes an admin's power away unless approved, but leaves a flagged user its rights", async () => {
    for (const state of ["STATE_SUSPENDED", "STATE_FLAGGED", "STATE_REQUESTED"]) {
      const { lookup, addKey, member, users } = fixture();
      users.set("root", { admin: true, state });
      member(root, appA, ["RIGHT_APPLICATION_INFO"]);
      const caller = await callerOf(lookup, addKey(root, ["RIGHT_ALL"]));
      assert.equal((await principalOf(caller, lookup)).admin, false, state);
      assert.equal((await rightsOn(caller, appB, lookup)).size, 0, state);
      const own = await rightsOn(caller, appA, lookup);
      assert.equal(own.has("RIGHT_APPLICATION_INFO"), state === "STATE_FLAGGED", state);
    }
    const { lookup } = fixture();
    const session: Caller = {
      kind: "user",
      userId: "root",
      rights: new Set<RightName>(["RIGHT_ALL"]),
      via: "session",
    };
    await requireActiveAccount(session, lookup);
  });

  it("counts the admin flag only for credentials that carry RIGHT_USER_ALL", async () => {
    const { lookup, addKey } = fixture();
    const restricted = await callerOf(lookup, addKey(root, ["RIGHT_USER_INFO"]));
    assert.equal((await principalOf(restricted, lookup)).admin, false);
    assert.equal((await rightsOn(restricted, appB, lookup)).size, 0);

    // Every user right one by one is still not RIGHT_USER_ALL (which stands for future ones too).
    const everyUserRight = await callerOf(
      lookup,
      addKey(root, rightsOfKind("user", { pseudo: false })),
    );
    assert.equal((await principalOf(everyUserRight, lookup)).admin, false);

    const userAll = await callerOf(lookup, addKey(root, ["RIGHT_USER_ALL"]));
    assert.equal((await principalOf(userAll, lookup)).admin, true);
    // An admin acts with what its credential carries: no application rights here.
    assert.equal((await rightsOn(userAll, appB, lookup)).size, 0);

    const all = await callerOf(lookup, addKey(root, ["RIGHT_ALL"]));
    assert.equal((await principalOf(all, lookup)).admin, true);
    assert.ok((await rightsOn(all, appB, lookup)).has("RIGHT_APPLICATION_INFO"));
  });

  it("leaves keys of organizations and applications to their entity's rights", async () => {
    const { lookup, addKey, member, users } = fixture();
    users.set("alice", { admin: false, state: "STATE_SUSPENDED" });
    member(alice, acme, ["RIGHT_ALL"]);
    member(acme, appA, ["RIGHT_APPLICATION_ALL"]);
    const orgKey = await callerOf(lookup, addKey(acme, ["RIGHT_APPLICATION_INFO"]));
    assert.deepEqual([...(await rightsOn(orgKey, appA, lookup))], ["RIGHT_APPLICATION_INFO"]);
    const principal = await principalOf(orgKey, lookup);
    assert.equal(principal.userId, undefined);
    assert.equal(principal.restricted, false);
  });
});

describe("rightsOnEach", () => {
  it("answers as rightsOn for every entity, with or without the bulk lookup", async () => {
    const { lookup, addKey, member } = fixture();
    member(alice, appA, ["RIGHT_APPLICATION_INFO"]);
    member(alice, acme, ["RIGHT_ALL"]);
    member(acme, appB, ["RIGHT_APPLICATION_ALL"]);
    const caller = await authenticate(`Bearer ${addKey(alice, ["RIGHT_ALL"])}`, lookup);
    assert.ok(caller);
    const ids = ["app-a", "app-b", "app-c"];
    const expected = new Map(
      await Promise.all(
        ids.map(
          async (id) => [id, await rightsOn(caller, { kind: "application", id }, lookup)] as const,
        ),
      ),
    );
    assert.deepEqual(await rightsOnEach(caller, "application", ids, lookup), expected);
    let bulkCalls = 0;
    const bulk: AccessLookup = {
      ...lookup,
      async membershipRightsOfEach(account, kind, wanted) {
        bulkCalls++;
        return new Map(
          await Promise.all(
            wanted.map(
              async (id) => [id, await lookup.membershipRights(account, { kind, id })] as const,
            ),
          ),
        );
      },
    };
    assert.deepEqual(await rightsOnEach(caller, "application", ids, bulk), expected);
    assert.equal(bulkCalls, 1);
  });
});

describe("authenticate: keys migrated from The Things Stack", () => {
  it("upgrades a PBKDF2 hash to SHA-256 on the first successful use, never a wrong secret", async () => {
    const { pbkdf2Sync } = await import("node:crypto");
    const { lookup } = fixture();
    const key = generateApiKey();
    const salt = "q8MZ2y0lAfZPdFc1";
    const pbkdf2 = `PBKDF2$sha256$20000$${salt}$${pbkdf2Sync(key.secret, salt, 20000, 32, "sha256").toString("base64url")}`;
    const stored: StoredApiKey = { id: key.id, secretHash: pbkdf2, owner: appA, rights: [] };
    const upgrades: [string, string, string][] = [];
    const upgrading: AccessLookup = {
      ...lookup,
      apiKey: async (id) => (id === key.id ? stored : undefined),
      async upgradeApiKeyHash(id, from, to) {
        upgrades.push([id, from, to]);
        stored.secretHash = to;
      },
    };
    const wrong = `${key.token.slice(0, -1)}${key.token.endsWith("A") ? "B" : "A"}`;
    await assert.rejects(authenticate(`Bearer ${wrong}`, upgrading), (e) =>
      errUnknownToken.matches(e),
    );
    assert.deepEqual(upgrades, []);
    assert.equal((await authenticate(`Bearer ${key.token}`, upgrading))?.kind, "api-key");
    assert.deepEqual(upgrades, [[key.id, pbkdf2, hashApiKeySecret(key.secret)]]);
    assert.equal((await authenticate(`Bearer ${key.token}`, upgrading))?.kind, "api-key");
    assert.equal(upgrades.length, 1, "a current hash is not upgraded again");
  });
});

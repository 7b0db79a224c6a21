import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateApiKey, hashApiKeySecret } from "./api-keys/index.ts";
import { authenticate } from "./authenticate.ts";
import { requireRightsOn, rightsOn } from "./authorize.ts";
import type { AccessLookup, StoredApiKey } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import {
  errMissingRights,
  errNoRights,
  errTokenExpired,
  errUnknownToken,
  errUnsupportedAuthorization,
} from "./errors.ts";
import type { RightName } from "./rights/index.ts";

const appA: EntityRef = { kind: "application", id: "app-a" };
const appB: EntityRef = { kind: "application", id: "app-b" };
const alice: EntityRef = { kind: "user", id: "alice" };
const acme: EntityRef = { kind: "organization", id: "acme" };

function fixture() {
  const keys = new Map<string, StoredApiKey>();
  const memberships = new Map<string, string[]>();
  const users = new Map([
    ["alice", { admin: false }],
    ["root", { admin: true }],
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
  return { lookup, addKey, member };
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

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ApiRegistry } from "../../api/registry.ts";
import {
  errMissingRights,
  errNoCredentials,
  errNoRights,
  errUnknownToken,
} from "../../auth/errors.ts";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import {
  CreateUserAPIKeyRequestSchema,
  CreateUserRequestSchema,
  DeleteUserAPIKeyRequestSchema,
  GetUserAPIKeyRequestSchema,
  GetUserRequestSchema,
  ListUserAPIKeysRequestSchema,
  ListUsersRequestSchema,
  UpdateUserAPIKeyRequestSchema,
  UpdateUserPasswordRequestSchema,
  UpdateUserRequestSchema,
} from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { errForbiddenId, errInvalidEmail, errInvalidId } from "../ids/index.ts";
import {
  errPasswordDigits,
  errPasswordMinLength,
  errPasswordUppercase,
  verifyPassword,
} from "../passwords/index.ts";
import { errAccountIdTaken, errEmailTaken, errNotDeleted, errNotFound } from "../store/index.ts";
import { errForbiddenPath, errMissingField } from "./convert.ts";
import {
  callContext,
  openTestIdentity,
  rejectsWith,
  seedApiKey,
  seedUser,
  type TestIdentity,
} from "./test-support.ts";
import {
  errCreateUserAdminOnly,
  errIncorrectPassword,
  errUpdateUserAdminField,
  registerUserServices,
  userAccess,
  userRegistry,
} from "./users.ts";

/** The implementations with every method this file calls (they are `Partial` by type). */
function full<T>(partial: Partial<T>): T {
  return partial as T;
}

let is: TestIdentity;
let users: ServiceImpl<typeof UserRegistry>;
let access: ServiceImpl<typeof UserAccess>;
const keys: Record<string, string> = {};

const registry = (key?: string) => callContext(UserRegistry, key);
const accessCall = (key?: string) => callContext(UserAccess, key);
const ids = (userId: string) => create(UserIdentifiersSchema, { userId });
const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });

/** Creates a user through the API as the admin; returns it. */
function createUser(
  id: string,
  fields: { email?: string; password?: string; name?: string; state?: State } = {},
) {
  return users.create(
    create(CreateUserRequestSchema, {
      user: {
        ids: { userId: id },
        primaryEmailAddress: fields.email ?? `${id}@example.com`,
        password: fields.password ?? "Correct-Horse1",
        name: fields.name ?? "",
        state: fields.state ?? State.REQUESTED,
      },
    }),
    registry(keys.admin),
  );
}

before(async () => {
  is = await openTestIdentity();
  users = full(userRegistry(is.services));
  access = full(userAccess(is.services));
  await seedUser(is.stores, "admin", { admin: true });
  await seedUser(is.stores, "alice");
  await seedUser(is.stores, "bob");
  keys.admin = await seedApiKey(is.stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
  keys.alice = await seedApiKey(is.stores, { kind: "user", id: "alice" }, ["RIGHT_ALL"]);
  keys.aliceInfo = await seedApiKey(is.stores, { kind: "user", id: "alice" }, ["RIGHT_USER_INFO"]);
  keys.bob = await seedApiKey(is.stores, { kind: "user", id: "bob" }, ["RIGHT_ALL"]);
});

after(async () => {
  await is?.close();
});

describe("registerUserServices", () => {
  it("registers UserRegistry and UserAccess", () => {
    const api = new ApiRegistry();
    registerUserServices(api, is.services);
    assert.deepEqual(
      api
        .services()
        .map((s) => s.service.typeName)
        .sort(),
      ["ttn.lorawan.v3.UserAccess", "ttn.lorawan.v3.UserRegistry"],
    );
  });
});

describe("UserRegistry.Create", () => {
  it("needs credentials, and an admin caller", async () => {
    const request = create(CreateUserRequestSchema, {
      user: {
        ids: { userId: "eve" },
        primaryEmailAddress: "eve@example.com",
        password: "Pass-w0rd",
      },
    });
    await rejectsWith(users.create(request, registry()), errNoCredentials);
    await rejectsWith(users.create(request, registry(keys.alice)), errCreateUserAdminOnly);
    await rejectsWith(is.stores.users.get("eve"), errNotFound);
  });

  it("creates an approved user with a lower-cased email and a hashed password it never returns", async () => {
    const before = is.events.length;
    const user = await createUser("carol", { email: " Carol@Example.COM ", name: "Carol" });
    assert.equal(user.ids?.userId, "carol");
    assert.equal(user.name, "Carol");
    assert.equal(user.primaryEmailAddress, "carol@example.com");
    assert.equal(user.state, State.APPROVED);
    assert.equal(user.admin, false);
    assert.equal(user.password, "");
    assert.ok(user.createdAt);
    assert.ok(user.passwordUpdatedAt);
    const stored = await is.stores.users.get("carol");
    assert.match(stored.password ?? "", /^\$argon2id\$/);
    assert.equal(await verifyPassword("Correct-Horse1", stored.password ?? ""), true);
    assert.deepEqual(
      is.events.slice(before).map((e) => [e.name, e.identifiers]),
      [["user.create", [{ kind: "user", id: "carol" }]]],
    );
  });

  it("lets admins set the state and admin flag", async () => {
    const user = await users.create(
      create(CreateUserRequestSchema, {
        user: {
          ids: { userId: "sam" },
          primaryEmailAddress: "sam@example.com",
          password: "Correct-Horse1",
          state: State.FLAGGED,
          admin: true,
        },
      }),
      registry(keys.admin),
    );
    assert.equal(user.state, State.FLAGGED);
    assert.equal(user.admin, true);
  });

  it("rejects bad input with typed errors and writes nothing", async () => {
    await rejectsWith(createUser("Bad_ID"), errInvalidId);
    await rejectsWith(createUser("ab"), errInvalidId);
    await rejectsWith(createUser("a".repeat(37)), errInvalidId);
    await rejectsWith(createUser("root"), errForbiddenId);
    await rejectsWith(createUser("dora", { email: "not-an-email" }), errInvalidEmail);
    await rejectsWith(createUser("dora", { email: "" }), errMissingField);
    await rejectsWith(createUser("dora", { password: "" }), errMissingField);
    await rejectsWith(createUser("dora", { password: "Sh0rt" }), errPasswordMinLength);
    await rejectsWith(createUser("dora", { password: "lowercase-only1" }), errPasswordUppercase);
    await rejectsWith(createUser("dora", { password: "No-Digits-Here" }), errPasswordDigits);
    await rejectsWith(is.stores.users.get("dora"), errNotFound);
  });

  it("rejects a taken ID or email address", async () => {
    await rejectsWith(createUser("alice", { email: "other@example.com" }), errAccountIdTaken);
    await rejectsWith(createUser("dora", { email: "ALICE@example.com" }), errEmailTaken);
  });

  it("shares the ID namespace with organizations", async () => {
    await is.stores.organizations.create("acme", { name: "ACME" });
    await rejectsWith(createUser("acme"), errAccountIdTaken);
  });
});

describe("UserRegistry.Get", () => {
  const get = (id: string, key?: string, ...paths: string[]) =>
    users.get(
      create(GetUserRequestSchema, { userIds: ids(id), fieldMask: mask(...paths) }),
      registry(key),
    );

  it("returns the user to itself and to admins, never the password", async () => {
    for (const key of [keys.alice, keys.aliceInfo, keys.admin]) {
      const user = await get("alice", key);
      assert.equal(user.ids?.userId, "alice");
      assert.equal(user.primaryEmailAddress, "alice@example.com");
      assert.equal(user.password, "");
    }
    const carol = await get("carol", keys.admin, "password", "name", "temporary_password");
    assert.equal(carol.password, "");
    assert.equal(carol.name, "Carol");
  });

  it("returns only the fields in the field mask", async () => {
    const user = await get("carol", keys.admin, "name");
    assert.equal(user.name, "Carol");
    assert.equal(user.primaryEmailAddress, "");
    assert.equal(user.state, State.REQUESTED);
    assert.equal(user.ids?.userId, "carol");
    assert.ok(user.createdAt);
    await rejectsWith(get("carol", keys.admin, "no_such_field"), errForbiddenPath);
  });

  it("is refused without credentials, and shows other users only the public fields", async () => {
    await rejectsWith(get("alice"), errNoCredentials);
    const unmasked = await get("bob", keys.alice);
    assert.equal(unmasked.ids?.userId, "bob");
    assert.equal(unmasked.primaryEmailAddress, "", "the e-mail address is not public");
    await rejectsWith(get("bob", keys.alice, "primary_email_address"), errNoRights);
    await rejectsWith(get("alice", keys.bob, "name", "attributes"), errNoRights);
    await rejectsWith(get("nobody", keys.alice), errNotFound);
    await rejectsWith(get("nobody", keys.alice, "attributes"), errNoRights);
    await rejectsWith(get("nobody", keys.admin), errNotFound);
    await rejectsWith(
      users.get(create(GetUserRequestSchema), registry(keys.admin)),
      errMissingField,
    );
  });
});

describe("UserRegistry.List", () => {
  it("lists users for admins, with paging, order, field mask and the total header", async () => {
    const context = registry(keys.admin);
    const page = await users.list(
      create(ListUsersRequestSchema, {
        limit: 2,
        page: 1,
        order: "user_id",
        fieldMask: mask("name"),
      }),
      context,
    );
    const all = await is.stores.users.list();
    assert.equal(context.responseHeader.get("x-total-count"), String(all.total));
    assert.deepEqual(
      page.users?.map((u) => u.ids?.userId),
      ["admin", "alice"],
    );
    assert.ok(page.users?.every((u) => u.primaryEmailAddress === "" && u.password === ""));
    const second = await users.list(
      create(ListUsersRequestSchema, { limit: 2, page: 2, order: "-user_id" }),
      registry(keys.admin),
    );
    const descending = all.items
      .map((u) => u.userId)
      .sort()
      .reverse();
    assert.deepEqual(
      second.users?.map((u) => u.ids?.userId),
      descending.slice(2, 4),
    );
  });

  it("is refused to non-admins and without credentials", async () => {
    await rejectsWith(
      users.list(create(ListUsersRequestSchema), registry(keys.alice)),
      errNoRights,
    );
    await rejectsWith(users.list(create(ListUsersRequestSchema), registry()), errNoCredentials);
  });
});

describe("UserRegistry.Update", () => {
  const update = (key: string | undefined, user: object, ...paths: string[]) =>
    users.update(
      create(UpdateUserRequestSchema, { user: user as never, fieldMask: mask(...paths) }),
      registry(key),
    );

  it("lets the user change its basic settings", async () => {
    const before = is.events.length;
    const user = await update(
      keys.alice,
      { ids: { userId: "alice" }, name: "Alice", description: "x", attributes: { abc: "b" } },
      "name",
      "attributes",
    );
    assert.equal(user.name, "Alice");
    assert.equal(user.description, "");
    assert.deepEqual(user.attributes, { abc: "b" });
    assert.deepEqual(
      is.events.slice(before).map((e) => [e.name, e.data]),
      [["user.update", ["name", "attributes"]]],
    );
  });

  it("needs RIGHT_USER_SETTINGS_BASIC", async () => {
    await rejectsWith(update(undefined, { ids: { userId: "alice" } }, "name"), errNoCredentials);
    await rejectsWith(
      update(keys.aliceInfo, { ids: { userId: "alice" }, name: "x" }, "name"),
      errMissingRights,
    );
    await rejectsWith(
      update(keys.bob, { ids: { userId: "alice" }, name: "x" }, "name"),
      errNoRights,
    );
  });

  it("keeps admin fields to admins", async () => {
    for (const path of [
      "admin",
      "state",
      "state_description",
      "primary_email_address_validated_at",
      "require_password_update",
    ]) {
      await rejectsWith(
        update(keys.alice, { ids: { userId: "alice" }, admin: true }, path),
        errUpdateUserAdminField,
      );
    }
    assert.equal((await is.stores.users.get("alice")).admin, false);
    const user = await update(
      keys.admin,
      { ids: { userId: "alice" }, state: State.SUSPENDED, stateDescription: "spam" },
      "state",
      "state_description",
    );
    assert.equal(user.state, State.SUSPENDED);
    assert.equal(user.stateDescription, "spam");
    await update(keys.admin, { ids: { userId: "alice" }, state: State.APPROVED }, "state");
  });

  it("validates a new email address and marks it not validated", async () => {
    const validatedAt = timestampFromDate(new Date("2024-01-02T03:04:05Z"));
    const validated = await update(
      keys.admin,
      { ids: { userId: "bob" }, primaryEmailAddressValidatedAt: validatedAt },
      "primary_email_address_validated_at",
    );
    assert.ok(validated.primaryEmailAddressValidatedAt);
    await rejectsWith(
      update(
        keys.bob,
        { ids: { userId: "bob" }, primaryEmailAddress: "nope" },
        "primary_email_address",
      ),
      errInvalidEmail,
    );
    await rejectsWith(
      update(
        keys.bob,
        { ids: { userId: "bob" }, primaryEmailAddress: "Carol@example.com" },
        "primary_email_address",
      ),
      errEmailTaken,
    );
    const same = await update(
      keys.bob,
      { ids: { userId: "bob" }, primaryEmailAddress: "bob@example.com" },
      "primary_email_address",
    );
    assert.ok(same.primaryEmailAddressValidatedAt, "unchanged address stays validated");
    const changed = await update(
      keys.bob,
      { ids: { userId: "bob" }, primaryEmailAddress: "Bob2@Example.com" },
      "primary_email_address",
    );
    assert.equal(changed.primaryEmailAddress, "bob2@example.com");
    assert.equal(changed.primaryEmailAddressValidatedAt, undefined);
  });

  it("does not change the password", async () => {
    await rejectsWith(
      update(keys.admin, { ids: { userId: "carol" }, password: "Other-Pass1" }, "password"),
      errForbiddenPath,
    );
    const stored = await is.stores.users.get("carol");
    assert.equal(await verifyPassword("Correct-Horse1", stored.password ?? ""), true);
  });
});

describe("UserRegistry.UpdatePassword", () => {
  let carolKey: string;
  before(async () => {
    carolKey = await seedApiKey(is.stores, { kind: "user", id: "carol" }, ["RIGHT_ALL"]);
  });
  const change = (key: string | undefined, old: string, next: string, id = "carol") =>
    users.updatePassword(
      create(UpdateUserPasswordRequestSchema, { userIds: ids(id), old, new: next }),
      registry(key),
    );

  it("needs all rights on the user and the old password", async () => {
    // Without credentials only a temporary password is accepted (users-temporary-password.test.ts).
    await rejectsWith(change(undefined, "Correct-Horse1", "New-Horse22"), errIncorrectPassword);
    await rejectsWith(change(keys.alice, "Correct-Horse1", "New-Horse22"), errNoRights);
    await rejectsWith(change(keys.admin, "Correct-Horse1", "New-Horse22"), errMissingRights);
    const infoKey = await seedApiKey(is.stores, { kind: "user", id: "carol" }, [
      "RIGHT_USER_SETTINGS_BASIC",
    ]);
    await rejectsWith(change(infoKey, "Correct-Horse1", "New-Horse22"), errMissingRights);
    await rejectsWith(change(carolKey, "Wrong-Horse1", "New-Horse22"), errIncorrectPassword);
    await rejectsWith(change(carolKey, "", "New-Horse22"), errIncorrectPassword);
  });

  it("checks the new password's strength", async () => {
    await rejectsWith(change(carolKey, "Correct-Horse1", "short"), errPasswordMinLength);
    await rejectsWith(change(carolKey, "Correct-Horse1", ""), errMissingField);
  });

  it("stores the new password's hash", async () => {
    const before = (await is.stores.users.get("carol")).passwordUpdatedAt;
    await change(carolKey, "Correct-Horse1", "New-Horse22");
    const stored = await is.stores.users.get("carol");
    assert.equal(await verifyPassword("New-Horse22", stored.password ?? ""), true);
    assert.equal(await verifyPassword("Correct-Horse1", stored.password ?? ""), false);
    assert.ok((stored.passwordUpdatedAt?.getTime() ?? 0) >= (before?.getTime() ?? 0));
    assert.equal(is.events.at(-1)?.name, "user.update");
  });
});

describe("UserRegistry.Delete, Restore and Purge", () => {
  let daveKey: string;
  before(async () => {
    await createUser("dave");
    daveKey = await seedApiKey(is.stores, { kind: "user", id: "dave" }, ["RIGHT_ALL"]);
  });

  it("soft-deletes with RIGHT_USER_DELETE; restores and purges as admin", async () => {
    const daveInfo = await seedApiKey(is.stores, { kind: "user", id: "dave" }, ["RIGHT_USER_INFO"]);
    await rejectsWith(users.delete(ids("dave"), registry()), errNoCredentials);
    await rejectsWith(users.delete(ids("dave"), registry(daveInfo)), errMissingRights);
    await rejectsWith(users.delete(ids("dave"), registry(keys.alice)), errNoRights);
    await users.delete(ids("dave"), registry(daveKey));
    assert.equal(is.events.at(-1)?.name, "user.delete");

    await rejectsWith(
      users.get(create(GetUserRequestSchema, { userIds: ids("dave") }), registry(keys.admin)),
      errNotFound,
    );
    // The keys of a deleted user stop working.
    await rejectsWith(
      users.get(create(GetUserRequestSchema, { userIds: ids("dave") }), registry(daveKey)),
      errUnknownToken,
    );
    const context = registry(keys.admin);
    const deleted = await users.list(create(ListUsersRequestSchema, { deleted: true }), context);
    assert.deepEqual(
      deleted.users?.map((u) => u.ids?.userId),
      ["dave"],
    );
    assert.ok(deleted.users?.[0]?.deletedAt);
    assert.equal(context.responseHeader.get("x-total-count"), "1");
    await rejectsWith(createUser("dave"), errAccountIdTaken);

    await users.restore(ids("dave"), registry(keys.admin));
    assert.equal(is.events.at(-1)?.name, "user.restore");
    await rejectsWith(users.restore(ids("dave"), registry(keys.admin)), errNotDeleted);
    const back = await users.get(
      create(GetUserRequestSchema, { userIds: ids("dave") }),
      registry(daveKey),
    );
    assert.equal(back.ids?.userId, "dave");

    await rejectsWith(users.purge(ids("dave"), registry(daveKey)), errNoRights);
    await rejectsWith(users.purge(ids("dave"), registry()), errNoCredentials);
    await users.purge(ids("dave"), registry(keys.admin));
    assert.equal(is.events.at(-1)?.name, "user.purge");
    await rejectsWith(is.stores.users.get("dave", { includeDeleted: true }), errNotFound);
    await rejectsWith(
      users.get(create(GetUserRequestSchema, { userIds: ids("dave") }), registry(daveKey)),
      errUnknownToken,
    );
    // The ID is free again.
    await createUser("dave");
  });
});

describe("deleted users", () => {
  it("cannot use their own API keys: the keys stop working", async () => {
    await createUser("erin");
    const erinKey = await seedApiKey(is.stores, { kind: "user", id: "erin" }, ["RIGHT_ALL"]);
    await users.delete(ids("erin"), registry(keys.admin));
    await rejectsWith(access.listRights(ids("erin"), accessCall(erinKey)), errUnknownToken);
  });
});

describe("UserAccess", () => {
  it("lists the caller's rights on the user", async () => {
    const info = await access.listRights(ids("alice"), accessCall(keys.aliceInfo));
    assert.deepEqual(info.rights, [Right.USER_INFO]);
    const all = await access.listRights(ids("alice"), accessCall(keys.alice));
    assert.ok(all.rights?.includes(Right.USER_ALL));
    await rejectsWith(access.listRights(ids("alice"), accessCall()), errNoCredentials);
    // As The Things Stack: a caller without rights gets an empty list, not an error.
    const none = await access.listRights(ids("alice"), accessCall(keys.bob));
    assert.deepEqual(none.rights, []);
  });

  it("creates, lists, reads, updates and deletes API keys of the user", async () => {
    const created = await access.createAPIKey(
      create(CreateUserAPIKeyRequestSchema, {
        userIds: ids("alice"),
        name: "script",
        rights: [Right.USER_INFO, Right.USER_SETTINGS_BASIC],
      }),
      accessCall(keys.alice),
    );
    assert.match(created.key ?? "", /^NNSXS\./);
    assert.equal(is.events.at(-1)?.name, "user.api-key.create");
    const keyId = created.id ?? "";
    const fetched = await users.get(
      create(GetUserRequestSchema, { userIds: ids("alice") }),
      registry(created.key),
    );
    assert.equal(fetched.ids?.userId, "alice");

    const context = accessCall(keys.alice);
    const list = await access.listAPIKeys(
      create(ListUserAPIKeysRequestSchema, { userIds: ids("alice"), limit: 1 }),
      context,
    );
    assert.equal(list.apiKeys?.length, 1);
    assert.equal(context.responseHeader.get("x-total-count"), "3");
    assert.ok(list.apiKeys?.every((k) => k.key === ""));

    const got = await access.getAPIKey(
      create(GetUserAPIKeyRequestSchema, { userIds: ids("alice"), keyId }),
      accessCall(keys.alice),
    );
    assert.equal(got.name, "script");
    assert.equal(got.key, "");

    const updated = await access.updateAPIKey(
      create(UpdateUserAPIKeyRequestSchema, {
        userIds: ids("alice"),
        apiKey: { id: keyId, rights: [Right.USER_INFO] },
        fieldMask: mask("rights"),
      }),
      accessCall(keys.alice),
    );
    assert.deepEqual(updated.rights, [Right.USER_INFO]);
    assert.equal(updated.name, "script");

    await access.deleteAPIKey(
      create(DeleteUserAPIKeyRequestSchema, { userIds: ids("alice"), keyId }),
      accessCall(keys.alice),
    );
    await rejectsWith(
      access.getAPIKey(
        create(GetUserAPIKeyRequestSchema, { userIds: ids("alice"), keyId }),
        accessCall(keys.alice),
      ),
      errNotFound,
    );
  });

  it("keeps API keys to callers with RIGHT_USER_SETTINGS_API_KEYS, within their rights", async () => {
    const request = (rights: Right[]) =>
      create(CreateUserAPIKeyRequestSchema, { userIds: ids("alice"), rights });
    await rejectsWith(
      access.createAPIKey(request([Right.USER_INFO]), accessCall()),
      errNoCredentials,
    );
    await rejectsWith(
      access.createAPIKey(request([Right.USER_INFO]), accessCall(keys.aliceInfo)),
      errMissingRights,
    );
    await rejectsWith(
      access.createAPIKey(request([Right.USER_INFO]), accessCall(keys.bob)),
      errNoRights,
    );
    // Admins do not manage other users' API keys (The Things Stack's admin rights exclude them).
    await rejectsWith(
      access.createAPIKey(request([Right.USER_INFO]), accessCall(keys.admin)),
      errMissingRights,
    );
    await rejectsWith(
      access.listAPIKeys(
        create(ListUserAPIKeysRequestSchema, { userIds: ids("alice") }),
        accessCall(keys.admin),
      ),
      errMissingRights,
    );
    const keysOnly = await seedApiKey(is.stores, { kind: "user", id: "alice" }, [
      "RIGHT_USER_SETTINGS_API_KEYS",
    ]);
    await rejectsWith(
      access.createAPIKey(request([Right.USER_DELETE]), accessCall(keysOnly)),
      errMissingRights,
    );
  });

  it("lets a user key with all rights create keys with application rights (as The Things Stack)", async () => {
    const created = await access.createAPIKey(
      create(CreateUserAPIKeyRequestSchema, {
        userIds: ids("alice"),
        rights: [Right.USER_INFO, Right.APPLICATION_ALL],
      }),
      accessCall(keys.alice),
    );
    assert.ok(created.key);
  });
});

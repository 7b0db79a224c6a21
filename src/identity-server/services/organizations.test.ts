import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ApiRegistry } from "../../api/registry.ts";
import {
  errMissingRights,
  errNoCredentials,
  errNoRights,
  errUnknownToken,
} from "../../auth/errors.ts";
import {
  OrganizationIdentifiersSchema,
  type OrganizationOrUserIdentifiers,
  OrganizationOrUserIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  CreateOrganizationAPIKeyRequestSchema,
  CreateOrganizationRequestSchema,
  DeleteOrganizationAPIKeyRequestSchema,
  DeleteOrganizationCollaboratorRequestSchema,
  GetOrganizationAPIKeyRequestSchema,
  GetOrganizationCollaboratorRequestSchema,
  GetOrganizationRequestSchema,
  ListOrganizationAPIKeysRequestSchema,
  ListOrganizationCollaboratorsRequestSchema,
  ListOrganizationsRequestSchema,
  SetOrganizationCollaboratorRequestSchema,
  UpdateOrganizationAPIKeyRequestSchema,
  UpdateOrganizationRequestSchema,
} from "../../gen/ttn/lorawan/v3/organization_pb.js";
import {
  OrganizationAccess,
  OrganizationRegistry,
} from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { errForbiddenId, errInvalidId } from "../ids/index.ts";
import {
  errAccountIdTaken,
  errInvalidMembership,
  errNotDeleted,
  errNotFound,
} from "../store/index.ts";
import { callerOf, callerRightsOn } from "./context.ts";
import { errForbiddenPath, errMissingField } from "./convert.ts";
import { errInvalidOrder } from "./order.ts";
import {
  organizationAccess,
  organizationRegistry,
  registerOrganizationServices,
} from "./organizations.ts";
import {
  callContext,
  openTestIdentity,
  rejectsWith,
  seedApiKey,
  seedUser,
  type TestIdentity,
} from "./test-support.ts";

/** The implementations with every method this file calls (they are `Partial` by type). */
function full<T>(partial: Partial<T>): T {
  return partial as T;
}

let is: TestIdentity;
let organizations: ServiceImpl<typeof OrganizationRegistry>;
let access: ServiceImpl<typeof OrganizationAccess>;
const keys: Record<string, string> = {};

const registry = (key?: string) => callContext(OrganizationRegistry, key);
const accessCall = (key?: string) => callContext(OrganizationAccess, key);
const ids = (organizationId: string) => create(OrganizationIdentifiersSchema, { organizationId });
const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });
const user = (userId: string): OrganizationOrUserIdentifiers =>
  create(OrganizationOrUserIdentifiersSchema, { ids: { case: "userIds", value: { userId } } });
const organization = (organizationId: string): OrganizationOrUserIdentifiers =>
  create(OrganizationOrUserIdentifiersSchema, {
    ids: { case: "organizationIds", value: { organizationId } },
  });

function createOrganization(id: string, owner: string, key: string | undefined, name = "") {
  return organizations.create(
    create(CreateOrganizationRequestSchema, {
      organization: { ids: { organizationId: id }, name },
      collaborator: user(owner),
    }),
    registry(key),
  );
}

function get(id: string, key: string | undefined, ...paths: string[]) {
  return organizations.get(
    create(GetOrganizationRequestSchema, { organizationIds: ids(id), fieldMask: mask(...paths) }),
    registry(key),
  );
}

async function listIds(
  key: string | undefined,
  request: Partial<{
    collaborator: OrganizationOrUserIdentifiers;
    limit: number;
    page: number;
    order: string;
    deleted: boolean;
  }> = {},
) {
  const context = registry(key);
  const result = await organizations.list(create(ListOrganizationsRequestSchema, request), context);
  return {
    ids: result.organizations?.map((o) => o.ids?.organizationId) ?? [],
    total: context.responseHeader.get("x-total-count"),
  };
}

function setMember(id: string, member: string, rights: Right[], key: string | undefined) {
  return access.setCollaborator(
    create(SetOrganizationCollaboratorRequestSchema, {
      organizationIds: ids(id),
      collaborator: { ids: user(member), rights },
    }),
    accessCall(key),
  );
}

before(async () => {
  is = await openTestIdentity();
  organizations = full(organizationRegistry(is.services));
  access = full(organizationAccess(is.services));
  await seedUser(is.stores, "admin", { admin: true });
  for (const id of ["olivia", "mike", "stranger"]) {
    await seedUser(is.stores, id);
    keys[id] = await seedApiKey(is.stores, { kind: "user", id }, ["RIGHT_ALL"]);
  }
  keys.admin = await seedApiKey(is.stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
  keys.oliviaInfo = await seedApiKey(is.stores, { kind: "user", id: "olivia" }, [
    "RIGHT_USER_INFO",
  ]);
});

after(async () => {
  await is?.close();
});

describe("registerOrganizationServices", () => {
  it("registers OrganizationRegistry and OrganizationAccess", () => {
    const api = new ApiRegistry();
    registerOrganizationServices(api, is.services);
    assert.deepEqual(
      api
        .services()
        .map((s) => s.service.typeName)
        .sort(),
      ["ttn.lorawan.v3.OrganizationAccess", "ttn.lorawan.v3.OrganizationRegistry"],
    );
  });
});

describe("OrganizationRegistry.Create", () => {
  it("needs RIGHT_USER_ORGANIZATIONS_CREATE on the user", async () => {
    await rejectsWith(createOrganization("acme", "olivia", undefined), errNoCredentials);
    await rejectsWith(createOrganization("acme", "olivia", keys.stranger), errNoRights);
    await rejectsWith(createOrganization("acme", "olivia", keys.oliviaInfo), errMissingRights);
    await rejectsWith(is.stores.organizations.get("acme"), errNotFound);
  });

  it("creates the organization and gives the creator all rights on it", async () => {
    const before = is.events.length;
    const created = await createOrganization("acme", "olivia", keys.olivia, "ACME");
    assert.equal(created.ids?.organizationId, "acme");
    assert.equal(created.name, "ACME");
    assert.ok(created.createdAt);
    const membership = await is.stores.memberships.get(
      { kind: "user", id: "olivia" },
      { kind: "organization", id: "acme" },
    );
    assert.deepEqual(membership?.rights, ["RIGHT_ALL"]);
    assert.deepEqual(
      is.events.slice(before).map((e) => [e.name, e.identifiers]),
      [["organization.create", [{ kind: "organization", id: "acme" }]]],
    );
    await createOrganization("beta", "olivia", keys.olivia, "Beta");
    await createOrganization("gamma", "olivia", keys.olivia, "Gamma");
  });

  it("lets admins create organizations for other users", async () => {
    await createOrganization("delta", "stranger", keys.admin, "Delta");
    const membership = await is.stores.memberships.get(
      { kind: "user", id: "stranger" },
      { kind: "organization", id: "delta" },
    );
    assert.deepEqual(membership?.rights, ["RIGHT_ALL"]);
  });

  it("shares the ID namespace with users, and keeps IDs unique", async () => {
    await rejectsWith(createOrganization("mike", "olivia", keys.olivia), errAccountIdTaken);
    await rejectsWith(createOrganization("acme", "olivia", keys.olivia), errAccountIdTaken);
  });

  it("rejects bad input with typed errors and writes nothing", async () => {
    await rejectsWith(createOrganization("Bad_Org", "olivia", keys.olivia), errInvalidId);
    await rejectsWith(createOrganization("", "olivia", keys.olivia), errInvalidId);
    await rejectsWith(createOrganization("admins", "olivia", keys.olivia), errForbiddenId);
    await rejectsWith(
      organizations.create(
        create(CreateOrganizationRequestSchema, {
          organization: { ids: { organizationId: "nested" } },
          collaborator: organization("acme"),
        }),
        registry(keys.olivia),
      ),
      errInvalidMembership,
    );
    await rejectsWith(
      organizations.create(
        create(CreateOrganizationRequestSchema, {
          organization: { ids: { organizationId: "orphan" } },
        }),
        registry(keys.olivia),
      ),
      errMissingField,
    );
    // The creator must exist: the organization is not left behind without its owner.
    await rejectsWith(createOrganization("ghost-org", "ghost", keys.admin), errNotFound);
    await rejectsWith(
      is.stores.organizations.get("ghost-org", { includeDeleted: true }),
      errNotFound,
    );
    await is.stores.users.create("ghost-org", { primaryEmailAddress: "ghost-org@example.com" });
  });
});

describe("OrganizationRegistry.Get", () => {
  it("returns the organization to members, with the fields in the field mask", async () => {
    await is.stores.organizations.update("acme", { description: "Anvils" }, ["description"]);
    const all = await get("acme", keys.olivia);
    assert.equal(all.name, "ACME");
    assert.equal(all.description, "Anvils");
    const some = await get("acme", keys.olivia, "name", "ids", "created_at");
    assert.equal(some.name, "ACME");
    assert.equal(some.description, "");
    assert.equal(some.ids?.organizationId, "acme");
    await rejectsWith(get("acme", keys.olivia, "password"), errForbiddenPath);
    const admin = await get("acme", keys.admin);
    assert.equal(admin.name, "ACME");
  });

  it("is refused without credentials, and shows non-members only the public fields", async () => {
    await rejectsWith(get("acme", undefined), errNoCredentials);
    // As The Things Stack's PublicSafe: the name is public, the description is not.
    const unmasked = await get("acme", keys.stranger);
    assert.equal(unmasked.name, "ACME");
    assert.equal(unmasked.description, "");
    assert.equal((await get("acme", keys.stranger, "name", "ids")).name, "ACME");
    await rejectsWith(get("acme", keys.stranger, "description"), errNoRights);
    await rejectsWith(get("nope", keys.olivia), errNotFound);
    await rejectsWith(get("nope", keys.olivia, "description"), errNoRights);
    await rejectsWith(get("nope", keys.admin), errNotFound);
  });
});

describe("OrganizationAccess: members", () => {
  it("adds, reads, lists and removes members with RIGHT_ORGANIZATION_SETTINGS_MEMBERS", async () => {
    await setMember("acme", "mike", [Right.ORGANIZATION_INFO], keys.olivia);
    assert.equal(is.events.at(-1)?.name, "organization.collaborator.update");
    const member = await access.getCollaborator(
      create(GetOrganizationCollaboratorRequestSchema, {
        organizationIds: ids("acme"),
        collaborator: user("mike"),
      }),
      accessCall(keys.olivia),
    );
    assert.deepEqual(member.rights, [Right.ORGANIZATION_INFO]);
    const context = accessCall(keys.olivia);
    const members = await access.listCollaborators(
      create(ListOrganizationCollaboratorsRequestSchema, {
        organizationIds: ids("acme"),
        limit: 1,
      }),
      context,
    );
    assert.equal(context.responseHeader.get("x-total-count"), "2");
    assert.equal(members.collaborators?.length, 1);

    const rights = await access.listRights(ids("acme"), accessCall(keys.mike));
    assert.deepEqual(rights.rights, [Right.ORGANIZATION_INFO]);
    const owner = await access.listRights(ids("acme"), accessCall(keys.olivia));
    assert.ok(owner.rights?.includes(Right.ORGANIZATION_ALL));

    // A member reads the organization, but changes nothing without the rights to.
    assert.equal((await get("acme", keys.mike)).name, "ACME");
    await rejectsWith(
      setMember("acme", "stranger", [Right.ORGANIZATION_INFO], keys.mike),
      errMissingRights,
    );
    await rejectsWith(
      organizations.update(
        create(UpdateOrganizationRequestSchema, {
          organization: { ids: { organizationId: "acme" }, name: "x" },
          fieldMask: mask("name"),
        }),
        registry(keys.mike),
      ),
      errMissingRights,
    );
  });

  it("grants no more than the granting member holds, and only to users", async () => {
    await setMember(
      "acme",
      "mike",
      [Right.ORGANIZATION_INFO, Right.ORGANIZATION_SETTINGS_MEMBERS],
      keys.olivia,
    );
    await rejectsWith(
      setMember("acme", "stranger", [Right.ORGANIZATION_DELETE], keys.mike),
      errMissingRights,
    );
    await setMember("acme", "stranger", [Right.ORGANIZATION_INFO], keys.mike);
    await rejectsWith(
      access.setCollaborator(
        create(SetOrganizationCollaboratorRequestSchema, {
          organizationIds: ids("acme"),
          collaborator: { ids: organization("beta"), rights: [Right.ORGANIZATION_INFO] },
        }),
        accessCall(keys.olivia),
      ),
      errInvalidMembership,
    );
    await access.deleteCollaborator(
      create(DeleteOrganizationCollaboratorRequestSchema, {
        organizationIds: ids("acme"),
        collaboratorIds: user("stranger"),
      }),
      accessCall(keys.olivia),
    );
    assert.equal(is.events.at(-1)?.name, "organization.collaborator.delete");
    await rejectsWith(get("acme", keys.stranger, "description"), errNoRights);
    await setMember("acme", "mike", [Right.ORGANIZATION_INFO], keys.olivia);
  });

  it("passes members' rights on to the organization's applications, bounded by both", async () => {
    await is.stores.applications.create("acme-app", {});
    await is.stores.memberships.set(
      { kind: "organization", id: "acme" },
      { kind: "application", id: "acme-app" },
      ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"],
    );
    // The creator holds RIGHT_ALL in the organization, so it can pass application rights on
    // to a member; what the member then holds on the application is bounded by both.
    await setMember(
      "acme",
      "mike",
      [Right.ORGANIZATION_INFO, Right.APPLICATION_INFO, Right.APPLICATION_DELETE],
      keys.olivia,
    );
    const app = { kind: "application" as const, id: "acme-app" };
    const rightsOf = async (key: string | undefined) =>
      [
        ...(await callerRightsOn(is.services, await callerOf(is.services, registry(key)), app)),
      ].sort();
    assert.deepEqual(await rightsOf(keys.mike), ["RIGHT_APPLICATION_INFO"]);
    assert.deepEqual(await rightsOf(keys.stranger), []);
    await setMember("acme", "mike", [Right.ORGANIZATION_INFO], keys.olivia);
    assert.deepEqual(await rightsOf(keys.mike), []);
  });

  it("is refused without credentials and to non-members", async () => {
    await rejectsWith(
      setMember("acme", "mike", [Right.ORGANIZATION_INFO], undefined),
      errNoCredentials,
    );
    await rejectsWith(
      setMember("acme", "stranger", [Right.ORGANIZATION_INFO], keys.stranger),
      errNoRights,
    );
  });
});

describe("OrganizationRegistry.List", () => {
  it("lists the caller's organizations with paging and the total header", async () => {
    assert.deepEqual(await listIds(keys.olivia), { ids: ["acme", "beta", "gamma"], total: "3" });
    assert.deepEqual(await listIds(keys.olivia, { limit: 2, page: 2 }), {
      ids: ["gamma"],
      total: "3",
    });
    assert.deepEqual(await listIds(keys.olivia, { order: "-organization_id", limit: 2 }), {
      ids: ["gamma", "beta"],
      total: "3",
    });
    assert.deepEqual(await listIds(keys.mike), { ids: ["acme"], total: "1" });
    assert.deepEqual(await listIds(keys.stranger), { ids: ["delta"], total: "1" });
  });

  it("lists all organizations to admins", async () => {
    assert.deepEqual((await listIds(keys.admin)).ids, ["acme", "beta", "delta", "gamma"]);
  });

  it("lists a user's organizations with RIGHT_USER_ORGANIZATIONS_LIST on the user", async () => {
    assert.deepEqual((await listIds(keys.mike, { collaborator: user("mike") })).ids, ["acme"]);
    assert.deepEqual((await listIds(keys.admin, { collaborator: user("mike") })).ids, ["acme"]);
    await rejectsWith(listIds(keys.olivia, { collaborator: user("mike") }), errNoRights);
    await rejectsWith(
      listIds(keys.olivia, { collaborator: organization("acme") }),
      errInvalidMembership,
    );
    await rejectsWith(listIds(undefined), errNoCredentials);
    await rejectsWith(listIds(keys.olivia, { order: "email" }), errInvalidOrder);
  });

  it("lists its own organization to an organization API key", async () => {
    const key = await seedApiKey(is.stores, { kind: "organization", id: "beta" }, [
      "RIGHT_ORGANIZATION_INFO",
    ]);
    assert.deepEqual((await listIds(key)).ids, ["beta"]);
  });
});

describe("OrganizationRegistry.Update", () => {
  it("changes the fields in the field mask with RIGHT_ORGANIZATION_SETTINGS_BASIC", async () => {
    const updated = await organizations.update(
      create(UpdateOrganizationRequestSchema, {
        organization: {
          ids: { organizationId: "beta" },
          name: "Beta Two",
          description: "ignored",
          administrativeContact: user("olivia"),
        },
        fieldMask: mask("name", "administrative_contact"),
      }),
      registry(keys.olivia),
    );
    assert.equal(updated.name, "Beta Two");
    assert.equal(updated.description, "");
    assert.deepEqual(updated.administrativeContact, user("olivia"));
    assert.deepEqual(is.events.at(-1)?.data, ["name", "administrative_contact"]);
    const stored = await is.stores.organizations.get("beta");
    assert.deepEqual(stored.administrativeContact, { kind: "user", id: "olivia" });
  });

  it("rejects paths that are not organization fields, and strangers", async () => {
    const request = (paths: string[]) =>
      create(UpdateOrganizationRequestSchema, {
        organization: { ids: { organizationId: "beta" }, name: "x" },
        fieldMask: mask(...paths),
      });
    await rejectsWith(
      organizations.update(request(["ids"]), registry(keys.olivia)),
      errForbiddenPath,
    );
    await rejectsWith(
      organizations.update(request(["name"]), registry(keys.stranger)),
      errNoRights,
    );
    await rejectsWith(organizations.update(request(["name"]), registry()), errNoCredentials);
    assert.equal((await is.stores.organizations.get("beta")).name, "Beta Two");
  });
});

describe("OrganizationAccess: API keys", () => {
  it("creates, lists, reads, updates and deletes keys with RIGHT_ORGANIZATION_SETTINGS_API_KEYS", async () => {
    const created = await access.createAPIKey(
      create(CreateOrganizationAPIKeyRequestSchema, {
        organizationIds: ids("acme"),
        name: "ci",
        rights: [Right.ORGANIZATION_INFO],
      }),
      accessCall(keys.olivia),
    );
    assert.match(created.key ?? "", /^NNSXS\./);
    assert.equal(is.events.at(-1)?.name, "organization.api-key.create");
    const orgKey = created.key ?? "";

    // The key reads its organization, changes nothing, and cannot see another organization.
    assert.equal((await get("acme", orgKey)).name, "ACME");
    await rejectsWith(get("beta", orgKey, "description"), errNoRights);
    await rejectsWith(organizations.delete(ids("acme"), registry(orgKey)), errMissingRights);

    const context = accessCall(keys.olivia);
    const list = await access.listAPIKeys(
      create(ListOrganizationAPIKeysRequestSchema, { organizationIds: ids("acme") }),
      context,
    );
    assert.equal(context.responseHeader.get("x-total-count"), "1");
    assert.equal(list.apiKeys?.[0]?.key, "");
    const keyId = created.id ?? "";
    const got = await access.getAPIKey(
      create(GetOrganizationAPIKeyRequestSchema, { organizationIds: ids("acme"), keyId }),
      accessCall(keys.olivia),
    );
    assert.equal(got.name, "ci");
    await rejectsWith(
      access.getAPIKey(
        create(GetOrganizationAPIKeyRequestSchema, { organizationIds: ids("beta"), keyId }),
        accessCall(keys.olivia),
      ),
      errNotFound,
    );
    const updated = await access.updateAPIKey(
      create(UpdateOrganizationAPIKeyRequestSchema, {
        organizationIds: ids("acme"),
        apiKey: { id: keyId, name: "ci-2" },
        fieldMask: mask("name"),
      }),
      accessCall(keys.olivia),
    );
    assert.equal(updated.name, "ci-2");
    assert.deepEqual(updated.rights, [Right.ORGANIZATION_INFO]);
    await access.deleteAPIKey(
      create(DeleteOrganizationAPIKeyRequestSchema, { organizationIds: ids("acme"), keyId }),
      accessCall(keys.olivia),
    );
    await rejectsWith(get("acme", orgKey), errUnknownToken);
  });

  it("keeps keys to callers with the right, within their rights", async () => {
    const request = (rights: Right[]) =>
      create(CreateOrganizationAPIKeyRequestSchema, { organizationIds: ids("acme"), rights });
    await rejectsWith(
      access.createAPIKey(request([Right.ORGANIZATION_INFO]), accessCall()),
      errNoCredentials,
    );
    await rejectsWith(
      access.createAPIKey(request([Right.ORGANIZATION_INFO]), accessCall(keys.mike)),
      errMissingRights,
    );
    await rejectsWith(
      access.createAPIKey(request([Right.ORGANIZATION_INFO]), accessCall(keys.stranger)),
      errNoRights,
    );
    // Admins do not manage other entities' API keys.
    await rejectsWith(
      access.createAPIKey(request([Right.ORGANIZATION_INFO]), accessCall(keys.admin)),
      errMissingRights,
    );
    // User rights cannot be held on an organization.
    await rejectsWith(
      access.createAPIKey(request([Right.USER_INFO]), accessCall(keys.olivia)),
      errMissingRights,
    );
  });
});

describe("OrganizationRegistry.Delete, Restore and Purge", () => {
  it("soft-deletes and restores with RIGHT_ORGANIZATION_DELETE; purges as admin", async () => {
    await rejectsWith(organizations.delete(ids("gamma"), registry()), errNoCredentials);
    await rejectsWith(organizations.delete(ids("acme"), registry(keys.mike)), errMissingRights);
    await rejectsWith(organizations.delete(ids("gamma"), registry(keys.mike)), errNoRights);
    await organizations.delete(ids("gamma"), registry(keys.olivia));
    assert.equal(is.events.at(-1)?.name, "organization.delete");
    await rejectsWith(get("gamma", keys.admin), errNotFound);
    assert.deepEqual((await listIds(keys.olivia)).ids, ["acme", "beta"]);
    await rejectsWith(listIds(keys.olivia, { deleted: true }), errNoRights);
    assert.deepEqual(await listIds(keys.admin, { deleted: true }), { ids: ["gamma"], total: "1" });
    await rejectsWith(
      is.stores.users.create("gamma", { primaryEmailAddress: "gamma@example.com" }),
      errAccountIdTaken,
    );

    await organizations.restore(ids("gamma"), registry(keys.olivia));
    assert.equal(is.events.at(-1)?.name, "organization.restore");
    await rejectsWith(organizations.restore(ids("gamma"), registry(keys.olivia)), errNotDeleted);
    assert.equal((await get("gamma", keys.olivia)).name, "Gamma");

    await rejectsWith(organizations.purge(ids("gamma"), registry(keys.olivia)), errNoRights);
    await organizations.purge(ids("gamma"), registry(keys.admin));
    assert.equal(is.events.at(-1)?.name, "organization.purge");
    await rejectsWith(is.stores.organizations.get("gamma", { includeDeleted: true }), errNotFound);
    assert.equal(
      await is.stores.memberships.get(
        { kind: "user", id: "olivia" },
        { kind: "organization", id: "gamma" },
      ),
      undefined,
    );
    // The ID is free again, for a user too.
    await is.stores.users.create("gamma", { primaryEmailAddress: "gamma@example.com" });
  });
});

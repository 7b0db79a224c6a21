import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { errNoRights } from "../../auth/errors.ts";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  EntityRegistrySearch,
  SearchAccountsRequestSchema,
  SearchApplicationsRequestSchema,
  SearchClientsRequestSchema,
  SearchGatewaysRequestSchema,
  SearchOrganizationsRequestSchema,
  SearchUsersRequestSchema,
} from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { errForbiddenPath } from "./convert.ts";
import { entityRegistrySearch } from "./search.ts";
import {
  createTestKey,
  openTestServices,
  type TestServices,
  testHandlerContext,
} from "./test-context.ts";

let t: TestServices;
const keys: Record<"admin" | "alice" | "bob" | "betaApp", string> = {
  admin: "",
  alice: "",
  bob: "",
  betaApp: "",
};

before(async () => {
  t = await openTestServices();
  const { stores } = t;
  const user = { kind: "user" as const, id: "alice" };
  await stores.users.create("admin", {
    primaryEmailAddress: "admin@example.com",
    admin: true,
    state: "STATE_APPROVED",
  });
  await stores.users.create("alice", {
    name: "Alice Liddell",
    primaryEmailAddress: "alice@example.com",
    password: "argon2id$hash",
    state: "STATE_APPROVED",
  });
  await stores.users.create("bob", {
    primaryEmailAddress: "bob@example.com",
    state: "STATE_APPROVED",
  });
  await stores.organizations.create("org-one", { name: "Wonderland" });
  await stores.applications.create("alpha-app", {
    name: "Alpha",
    description: "The first test application",
    attributes: { env: "Production" },
  });
  await stores.applications.create("beta-app", { name: "Beta", attributes: { env: "staging" } });
  await stores.applications.create("gamma-app", { name: "Gamma" });
  await stores.applications.create("delta-app", { name: "Delta" });
  await stores.applications.delete("delta-app");
  await stores.gateways.create("gw-one", { name: "Roof", gatewayEui: "0011223344AABBCC" });
  await stores.gateways.create("gw-two", { name: "Cellar", gatewayEui: "00112233445566FF" });
  await stores.clients.create("console-x", {
    name: "Console",
    secret: "hash",
    state: "STATE_APPROVED",
  });
  await stores.clients.create("cli-x", { name: "CLI", state: "STATE_REQUESTED" });

  await stores.memberships.set(user, { kind: "application", id: "alpha-app" }, [
    "RIGHT_APPLICATION_ALL",
  ]);
  await stores.memberships.set(user, { kind: "organization", id: "org-one" }, [
    "RIGHT_ORGANIZATION_ALL",
    "RIGHT_APPLICATION_ALL",
    "RIGHT_GATEWAY_ALL",
  ]);
  await stores.memberships.set(
    { kind: "organization", id: "org-one" },
    { kind: "application", id: "gamma-app" },
    ["RIGHT_APPLICATION_ALL"],
  );
  await stores.memberships.set(user, { kind: "gateway", id: "gw-one" }, ["RIGHT_GATEWAY_ALL"]);
  await stores.memberships.set(
    { kind: "user", id: "bob" },
    { kind: "application", id: "beta-app" },
    [
      "RIGHT_APPLICATION_SETTINGS_BASIC", // but not RIGHT_APPLICATION_INFO
    ],
  );

  keys.admin = await createTestKey(stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
  keys.alice = await createTestKey(stores, user, ["RIGHT_ALL"]);
  keys.bob = await createTestKey(stores, { kind: "user", id: "bob" }, ["RIGHT_ALL"]);
  keys.betaApp = await createTestKey(stores, { kind: "application", id: "beta-app" }, [
    "RIGHT_APPLICATION_INFO",
  ]);
});
after(() => t.close());

type Method = keyof ReturnType<typeof entityRegistrySearch>;

/** Calls a search method as the holder of `key`; returns the answer and the handler context. */
async function call<S extends DescMessage, R>(
  method: Method,
  schema: S,
  request: MessageInitShape<S>,
  key: string,
): Promise<{ response: R; handler: HandlerContext }> {
  const service = entityRegistrySearch(t.services);
  const name = method.charAt(0).toUpperCase() + method.slice(1);
  const handler = testHandlerContext(EntityRegistrySearch, name, { token: key });
  const implementation = service[method] as (r: unknown, c: HandlerContext) => Promise<R>;
  return { response: await implementation(create(schema, request), handler), handler };
}

async function applicationIds(
  request: MessageInitShape<typeof SearchApplicationsRequestSchema>,
  key = keys.admin,
): Promise<string[]> {
  const { response } = await call<
    typeof SearchApplicationsRequestSchema,
    { applications: { ids?: { applicationId: string } }[] }
  >("searchApplications", SearchApplicationsRequestSchema, request, key);
  return response.applications.map((a) => a.ids?.applicationId ?? "");
}

describe("EntityRegistrySearch", () => {
  it("filters applications by case-insensitive substrings for admins", async () => {
    assert.deepEqual(await applicationIds({}), ["alpha-app", "beta-app", "gamma-app"]);
    assert.deepEqual(await applicationIds({ idContains: "ALP" }), ["alpha-app"]);
    assert.deepEqual(await applicationIds({ nameContains: "bet" }), ["beta-app"]);
    assert.deepEqual(await applicationIds({ descriptionContains: "FIRST" }), ["alpha-app"]);
    assert.deepEqual(await applicationIds({ attributesContain: { env: "prod" } }), ["alpha-app"]);
    assert.deepEqual(await applicationIds({ attributesContain: { other: "" } }), []);
    assert.deepEqual(await applicationIds({ query: "gamm" }), ["gamma-app"]);
    assert.deepEqual(await applicationIds({ idContains: "app", nameContains: "a" }), [
      "alpha-app",
      "beta-app",
      "gamma-app",
    ]);
  });

  it("orders, pages and counts the matches", async () => {
    const { response, handler } = await call<
      typeof SearchApplicationsRequestSchema,
      { applications: { ids?: { applicationId: string } }[] }
    >(
      "searchApplications",
      SearchApplicationsRequestSchema,
      { order: "-application_id", limit: 2, page: 2 },
      keys.admin,
    );
    assert.deepEqual(
      response.applications.map((a) => a.ids?.applicationId),
      ["alpha-app"],
    );
    assert.equal(handler.responseHeader.get("x-total-count"), "3");
  });

  it("applies the field mask and rejects unknown paths", async () => {
    const { response } = await call<
      typeof SearchApplicationsRequestSchema,
      { applications: { name: string; description: string; createdAt?: unknown }[] }
    >(
      "searchApplications",
      SearchApplicationsRequestSchema,
      { idContains: "alpha", fieldMask: { paths: ["name", "ids"] } },
      keys.admin,
    );
    assert.equal(response.applications[0]?.name, "Alpha");
    assert.equal(response.applications[0]?.description, "");
    assert.ok(response.applications[0]?.createdAt);
    await assert.rejects(applicationIds({ fieldMask: { paths: ["bogus"] } }), (error) =>
      errForbiddenPath.matches(error),
    );
  });

  it("finds deleted entities for admins only", async () => {
    assert.deepEqual(await applicationIds({ deleted: true }), ["delta-app"]);
    await assert.rejects(applicationIds({ deleted: true }, keys.alice), (error) =>
      errNoRights.matches(error),
    );
  });

  it("lets other callers find only what they are members of and may see", async () => {
    // Directly and through org-one; not beta-app.
    assert.deepEqual(await applicationIds({}, keys.alice), ["alpha-app", "gamma-app"]);
    assert.deepEqual(await applicationIds({ query: "alpha" }, keys.alice), ["alpha-app"]);
    // bob is a member of beta-app, without RIGHT_APPLICATION_INFO.
    assert.deepEqual(await applicationIds({}, keys.bob), []);
    // An application's own key finds that application.
    assert.deepEqual(await applicationIds({}, keys.betaApp), ["beta-app"]);
  });

  it("searches gateways by EUI, and organizations", async () => {
    const gateways = async (
      request: MessageInitShape<typeof SearchGatewaysRequestSchema>,
      key: string,
    ) => {
      const { response } = await call<
        typeof SearchGatewaysRequestSchema,
        { gateways: { ids?: { gatewayId: string; eui: Uint8Array } }[] }
      >("searchGateways", SearchGatewaysRequestSchema, request, key);
      return response.gateways.map((g) => g.ids?.gatewayId);
    };
    assert.deepEqual(await gateways({ euiContains: "aabb" }, keys.admin), ["gw-one"]);
    assert.deepEqual(await gateways({ query: "66ff" }, keys.admin), ["gw-two"]);
    assert.deepEqual(await gateways({}, keys.alice), ["gw-one"]);

    const { response } = await call<
      typeof SearchOrganizationsRequestSchema,
      { organizations: { ids?: { organizationId: string }; name: string }[] }
    >(
      "searchOrganizations",
      SearchOrganizationsRequestSchema,
      { nameContains: "wonder" },
      keys.alice,
    );
    assert.deepEqual(
      response.organizations.map((o) => [o.ids?.organizationId, o.name]),
      [["org-one", "Wonderland"]],
    );
  });

  it("searches users for admins only, by state, never returning passwords", async () => {
    const { response } = await call<
      typeof SearchUsersRequestSchema,
      { users: { ids?: { userId: string }; password: string; name: string }[] }
    >(
      "searchUsers",
      SearchUsersRequestSchema,
      { state: [State.APPROVED], query: "ALICE" },
      keys.admin,
    );
    assert.deepEqual(
      response.users.map((u) => [u.ids?.userId, u.name, u.password]),
      [["alice", "Alice Liddell", ""]],
    );
    await assert.rejects(call("searchUsers", SearchUsersRequestSchema, {}, keys.alice), (error) =>
      errNoRights.matches(error),
    );
  });

  it("searches clients by state without their secrets", async () => {
    const { response } = await call<
      typeof SearchClientsRequestSchema,
      { clients: { ids?: { clientId: string }; secret: string }[] }
    >("searchClients", SearchClientsRequestSchema, { state: [State.APPROVED] }, keys.admin);
    assert.deepEqual(
      response.clients.map((c) => [c.ids?.clientId, c.secret]),
      [["console-x", ""]],
    );
  });

  it("searches accounts, optionally among the collaborators of an entity", async () => {
    const accounts = async (
      request: MessageInitShape<typeof SearchAccountsRequestSchema>,
      key: string,
    ) => {
      const { response } = await call<
        typeof SearchAccountsRequestSchema,
        {
          accountIds: {
            ids: { case: string; value: { userId?: string; organizationId?: string } };
          }[];
        }
      >("searchAccounts", SearchAccountsRequestSchema, request, key);
      return response.accountIds.map(
        (a) => `${a.ids.case}:${a.ids.value.userId ?? a.ids.value.organizationId}`,
      );
    };
    assert.deepEqual(await accounts({ query: "o" }, keys.alice), [
      "userIds:bob",
      "organizationIds:org-one",
    ]);
    assert.deepEqual(await accounts({ query: "o", onlyUsers: true }, keys.alice), ["userIds:bob"]);
    const alphaApp = { case: "applicationIds" as const, value: { applicationId: "alpha-app" } };
    assert.deepEqual(await accounts({ collaboratorOf: alphaApp }, keys.alice), ["userIds:alice"]);
    assert.deepEqual(
      await accounts(
        { collaboratorOf: alphaApp, complementCollaborators: true, onlyUsers: true },
        keys.alice,
      ),
      ["userIds:admin", "userIds:bob"],
    );
    await assert.rejects(accounts({ collaboratorOf: alphaApp }, keys.bob), (error) =>
      errNoRights.matches(error),
    );
  });
});

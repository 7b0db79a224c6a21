import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import {
  CreateClientRequestSchema,
  GetClientRequestSchema,
  GrantType,
  ListClientsRequestSchema,
  UpdateClientRequestSchema,
} from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ClientIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { verifyPassword } from "../passwords/index.ts";
import { clientAccess, clientRegistry, registerClientServices } from "./clients.ts";
import {
  asService,
  openServiceFixture,
  rejectsWith,
  restApp,
  type ServiceFixture,
  type UnaryService,
} from "./test-fixtures.ts";

describe("ClientRegistry and ClientAccess", () => {
  let fx: ServiceFixture;
  let registry: UnaryService<typeof ClientRegistry>;
  let access: UnaryService<typeof ClientAccess>;
  let aliceKey: string;
  let bobKey: string;
  let adminKey: string;

  const createRequest = (id: string, user = "alice", init: Record<string, unknown> = {}) =>
    create(CreateClientRequestSchema, {
      collaborator: { ids: { case: "userIds", value: { userId: user } } },
      client: {
        ids: { clientId: id },
        name: `Client ${id}`,
        redirectUris: ["https://app.example.com/oauth/callback"],
        grants: [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN],
        rights: [Right.USER_INFO, Right.USER_APPLICATIONS_LIST],
        ...init,
      },
    });
  const get = (id: string, key: string, paths?: string[]) =>
    registry.get(
      create(GetClientRequestSchema, {
        clientIds: { clientId: id },
        ...(paths ? { fieldMask: { paths } } : {}),
      }),
      fx.handler(key),
    );

  before(async () => {
    fx = await openServiceFixture();
    registry = asService(ClientRegistry, clientRegistry(fx.services));
    access = asService(ClientAccess, clientAccess(fx.services));
    await fx.user("alice");
    await fx.user("bob");
    await fx.user("admin", { admin: true });
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    bobKey = await fx.key({ kind: "user", id: "bob" }, ["RIGHT_ALL"]);
    adminKey = await fx.key({ kind: "user", id: "admin" }, ["RIGHT_ALL"]);
  });
  after(() => fx.close());

  it("creates a client, returning a generated secret once and storing only its hash", async () => {
    const created = await registry.create(
      createRequest("my-cli", "alice", {
        state: State.APPROVED,
        endorsed: true,
        skipAuthorization: true,
      }),
      fx.handler(aliceKey),
    );
    assert.ok(created.secret.length >= 32, "a generated secret");
    // A non-admin's client waits for approval and cannot endorse itself.
    assert.equal(created.state, State.REQUESTED);
    assert.equal(created.endorsed, false);
    assert.equal(created.skipAuthorization, false);
    assert.deepEqual(created.grants, [
      GrantType.GRANT_AUTHORIZATION_CODE,
      GrantType.GRANT_REFRESH_TOKEN,
    ]);

    const stored = await fx.stores.clients.get("my-cli");
    assert.notEqual(stored.secret, created.secret);
    assert.ok(await verifyPassword(created.secret, stored.secret ?? ""));

    const read = await get("my-cli", aliceKey);
    assert.equal(read.secret, "");
    assert.deepEqual(read.redirectUris, ["https://app.example.com/oauth/callback"]);
    assert.deepEqual(
      [...read.rights].sort((a, b) => a - b),
      [Right.USER_INFO, Right.USER_APPLICATIONS_LIST].sort((a, b) => a - b),
    );
    const rights = await access.listRights(
      create(ClientIdentifiersSchema, { clientId: "my-cli" }),
      fx.handler(aliceKey),
    );
    assert.ok(rights.rights.includes(Right.CLIENT_SETTINGS_COLLABORATORS));
  });

  it("keeps a secret given at creation, hashed", async () => {
    const created = await registry.create(
      createRequest("given-secret", "admin", { secret: "s3cret-given", state: State.APPROVED }),
      fx.handler(adminKey),
    );
    assert.equal(created.secret, "s3cret-given");
    // An admin sets the state.
    assert.equal(created.state, State.APPROVED);
    const stored = await fx.stores.clients.get("given-secret");
    assert.ok(await verifyPassword("s3cret-given", stored.secret ?? ""));
  });

  it("validates IDs, redirect URIs and rights", async () => {
    await rejectsWith(
      registry.create(createRequest("Bad_Id"), fx.handler(aliceKey)),
      "invalid_argument",
      "invalid_id",
    );
    await rejectsWith(
      registry.create(
        createRequest("bad-uri", "alice", { redirectUris: ["not a uri"] }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
      "invalid_redirect_uri",
    );
    await rejectsWith(
      registry.create(
        createRequest("bad-right", "alice", { rights: [9999] }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
    );
    await rejectsWith(
      registry.create(createRequest("my-cli"), fx.handler(aliceKey)),
      "already_exists",
    );
  });

  it("checks rights: 401 without credentials, 403 for others, public fields for anyone", async () => {
    await rejectsWith(registry.create(createRequest("anon"), fx.handler()), "unauthenticated");
    await rejectsWith(
      registry.create(createRequest("for-alice", "alice"), fx.handler(bobKey)),
      "permission_denied",
    );
    // No field mask: the public fields, as The Things Stack's PublicSafe.
    const unmasked = await get("my-cli", bobKey);
    assert.equal(unmasked.name, "Client my-cli");
    assert.deepEqual(unmasked.attributes, {});
    const publicRead = await get("my-cli", bobKey, ["name", "description", "redirect_uris"]);
    assert.equal(publicRead.name, "Client my-cli");
    await rejectsWith(get("my-cli", bobKey, ["name", "attributes"]), "permission_denied");
    await rejectsWith(get("my-cli", "", ["name"]), "unauthenticated");
    await rejectsWith(
      registry.update(
        create(UpdateClientRequestSchema, {
          client: { ids: { clientId: "my-cli" }, name: "x" },
          fieldMask: { paths: ["name"] },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
  });

  it("updates by field mask; state and endorsement only by admins; the secret hashed", async () => {
    fx.published.length = 0;
    const updated = await registry.update(
      create(UpdateClientRequestSchema, {
        client: {
          ids: { clientId: "my-cli" },
          name: "Renamed",
          redirectUris: ["http://localhost:1234/cb"],
          secret: "new-secret",
        },
        fieldMask: { paths: ["name", "redirect_uris", "secret"] },
      }),
      fx.handler(aliceKey),
    );
    assert.equal(updated.name, "Renamed");
    assert.equal(updated.secret, "");
    assert.deepEqual(updated.redirectUris, ["http://localhost:1234/cb"]);
    const stored = await fx.stores.clients.get("my-cli");
    assert.ok(await verifyPassword("new-secret", stored.secret ?? ""));
    assert.deepEqual(
      fx.published.map((e) => e.name),
      ["client.update"],
    );

    const approve = create(UpdateClientRequestSchema, {
      client: { ids: { clientId: "my-cli" }, state: State.APPROVED },
      fieldMask: { paths: ["state"] },
    });
    await rejectsWith(
      registry.update(approve, fx.handler(aliceKey)),
      "permission_denied",
      "admin_only_field",
    );
    const approved = await registry.update(approve, fx.handler(adminKey));
    assert.equal(approved.state, State.APPROVED);
  });

  it("lists the caller's clients", async () => {
    const handler = fx.handler(aliceKey);
    const list = await registry.list(create(ListClientsRequestSchema, {}), handler);
    assert.deepEqual(
      list.clients.map((c) => c.ids?.clientId),
      ["my-cli"],
    );
    assert.equal(handler.responseHeader.get("x-total-count"), "1");
    const all = await registry.list(create(ListClientsRequestSchema, {}), fx.handler(adminKey));
    assert.equal(all.clients.length, 2);
    await rejectsWith(
      registry.list(
        create(ListClientsRequestSchema, {
          collaborator: { ids: { case: "userIds", value: { userId: "alice" } } },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
  });

  it("manages collaborators with RIGHT_CLIENT_SETTINGS_COLLABORATORS", async () => {
    const clientIds = { clientId: "my-cli" };
    await access.setCollaborator(
      {
        clientIds,
        collaborator: {
          ids: { ids: { case: "userIds", value: { userId: "bob" } } },
          rights: [Right.CLIENT_INFO],
        },
      } as never,
      fx.handler(aliceKey),
    );
    assert.equal((await get("my-cli", bobKey)).name, "Renamed");
    await rejectsWith(
      access.setCollaborator(
        {
          clientIds,
          collaborator: {
            ids: { ids: { case: "userIds", value: { userId: "bob" } } },
            rights: [Right.CLIENT_ALL],
          },
        } as never,
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    const collaborators = await access.listCollaborators(
      { clientIds, limit: 0, page: 0 } as never,
      fx.handler(aliceKey),
    );
    assert.equal(collaborators.collaborators.length, 2);
  });

  it("soft-deletes, restores and (admins only) purges", async () => {
    const ids = create(ClientIdentifiersSchema, { clientId: "my-cli" });
    await rejectsWith(registry.delete(ids, fx.handler(bobKey)), "permission_denied");
    await registry.delete(ids, fx.handler(aliceKey));
    await rejectsWith(get("my-cli", aliceKey), "not_found");
    await registry.restore(ids, fx.handler(aliceKey));
    assert.equal((await get("my-cli", aliceKey)).name, "Renamed");
    await rejectsWith(registry.purge(ids, fx.handler(aliceKey)), "permission_denied");
    await registry.purge(ids, fx.handler(adminKey));
    await rejectsWith(get("my-cli", adminKey), "not_found");
  });
});

describe("clients over REST", () => {
  let fx: ServiceFixture;
  let app: FastifyInstance;
  let aliceKey: string;

  before(async () => {
    fx = await openServiceFixture();
    await fx.user("alice");
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    app = await restApp(fx.services, registerClientServices);
  });
  after(async () => {
    await app.close();
    await fx.close();
  });

  it("creates a client with The Things Stack's JSON and enum names", async () => {
    const created = await app.inject({
      method: "POST",
      url: "/api/v3/users/alice/clients",
      headers: { authorization: `Bearer ${aliceKey}` },
      payload: {
        client: {
          ids: { client_id: "cli-1" },
          redirect_uris: ["https://example.com/cb"],
          grants: ["GRANT_AUTHORIZATION_CODE"],
          rights: ["RIGHT_USER_INFO"],
        },
      },
    });
    assert.equal(created.statusCode, 200, created.body);
    const body = created.json();
    assert.equal(body.ids.client_id, "cli-1");
    assert.equal(typeof body.secret, "string");
    assert.deepEqual(body.grants, ["GRANT_AUTHORIZATION_CODE"]);
    assert.deepEqual(body.rights, ["RIGHT_USER_INFO"]);

    const read = await app.inject({
      method: "GET",
      url: "/api/v3/clients/cli-1",
      headers: { authorization: `Bearer ${aliceKey}` },
    });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().secret, undefined);
    const anonymous = await app.inject({ method: "GET", url: "/api/v3/clients/cli-1" });
    assert.equal(anonymous.statusCode, 401);
  });
});

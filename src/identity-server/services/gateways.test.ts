import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import {
  CreateGatewayRequestSchema,
  type GatewaySchema,
  GetGatewayIdentifiersForEUIRequestSchema,
  GetGatewayRequestSchema,
  ListGatewaysRequestSchema,
  UpdateGatewayRequestSchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { GatewayIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { gatewayAccess, gatewayRegistry, registerGatewayServices } from "./gateways.ts";
import {
  asService,
  isAbout,
  openServiceFixture,
  rejectsWith,
  restApp,
  type ServiceFixture,
  type UnaryService,
} from "./test-fixtures.ts";

const eui = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

describe("GatewayRegistry and GatewayAccess", () => {
  let fx: ServiceFixture;
  let registry: UnaryService<typeof GatewayRegistry>;
  let access: UnaryService<typeof GatewayAccess>;
  let aliceKey: string;
  let bobKey: string;
  let adminKey: string;
  let aliceReadOnlyKey: string;

  const createRequest = (
    id: string,
    init: { gateway?: MessageInitShape<typeof GatewaySchema> } = {},
    user = "alice",
  ) =>
    create(CreateGatewayRequestSchema, {
      collaborator: { ids: { case: "userIds", value: { userId: user } } },
      gateway: init.gateway ?? { ids: { gatewayId: id }, frequencyPlanIds: ["EU_863_870"] },
    });
  const get = (id: string, key: string, paths?: string[]) =>
    registry.get(
      create(GetGatewayRequestSchema, {
        gatewayIds: { gatewayId: id },
        ...(paths ? { fieldMask: { paths } } : {}),
      }),
      fx.handler(key),
    );

  before(async () => {
    fx = await openServiceFixture();
    registry = asService(GatewayRegistry, gatewayRegistry(fx.services));
    access = asService(GatewayAccess, gatewayAccess(fx.services));
    await fx.user("alice");
    await fx.user("bob");
    await fx.user("admin", { admin: true });
    await fx.organization("acme", "alice");
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    bobKey = await fx.key({ kind: "user", id: "bob" }, ["RIGHT_ALL"]);
    adminKey = await fx.key({ kind: "user", id: "admin" }, ["RIGHT_ALL"]);
    aliceReadOnlyKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_USER_GATEWAYS_LIST"]);
  });
  after(() => fx.close());

  it("creates a gateway with its EUI, frequency plans, antennas and settings", async () => {
    fx.published.length = 0;
    const created = await registry.create(
      createRequest("gw-full", {
        gateway: {
          ids: { gatewayId: "gw-full", eui: eui("00800000a0001234") },
          name: "Roof",
          frequencyPlanIds: ["EU_863_870", "EU_863_870_TTN"],
          gatewayServerAddress: "gs.example.com",
          requireAuthenticatedConnection: true,
          statusPublic: true,
          locationPublic: false,
          enforceDutyCycle: true,
          scheduleAnytimeDelay: { seconds: 0n, nanos: 530_000_000 },
          antennas: [
            {
              gain: 3.5,
              location: { latitude: 52.37, longitude: 4.89, altitude: 12, source: 3 },
              placement: 2,
            },
          ],
        },
      }),
      fx.handler(aliceKey),
    );
    assert.equal(Buffer.from(created.ids?.eui ?? []).toString("hex"), "00800000a0001234");
    assert.equal(created.frequencyPlanId, "EU_863_870");
    assert.deepEqual(created.frequencyPlanIds, ["EU_863_870", "EU_863_870_TTN"]);
    assert.equal(created.requireAuthenticatedConnection, true);
    assert.equal(created.scheduleAnytimeDelay?.nanos, 530_000_000);
    assert.ok(created.createdAt);

    const read = await get("gw-full", aliceKey);
    assert.equal(read.name, "Roof");
    assert.equal(read.gatewayServerAddress, "gs.example.com");
    assert.equal(read.statusPublic, true);
    assert.equal(read.antennas.length, 1);
    assert.equal(read.antennas[0]?.gain, 3.5);
    assert.equal(read.antennas[0]?.placement, 2);
    assert.equal(read.antennas[0]?.location?.latitude, 52.37);
    assert.equal(read.antennas[0]?.location?.altitude, 12);
    assert.equal(read.antennas[0]?.location?.source, 3);
    assert.equal(read.enforceDutyCycle, true);

    // The creator holds all gateway rights.
    const rights = await access.listRights(
      create(GatewayIdentifiersSchema, { gatewayId: "gw-full" }),
      fx.handler(aliceKey),
    );
    assert.ok((rights.rights as Right[]).includes(Right.GATEWAY_SETTINGS_API_KEYS));
    assert.ok(
      fx.published.some(
        (e) =>
          e.name === "gateway.create" &&
          isAbout(e, {
            kind: "gateway",
            id: "gw-full",
          }),
      ),
    );
  });

  it("takes a single frequency_plan_id as the list", async () => {
    const created = await registry.create(
      createRequest("gw-single", {
        gateway: { ids: { gatewayId: "gw-single" }, frequencyPlanId: "US_902_928_FSB_2" },
      }),
      fx.handler(aliceKey),
    );
    assert.deepEqual(created.frequencyPlanIds, ["US_902_928_FSB_2"]);
    assert.equal(created.frequencyPlanId, "US_902_928_FSB_2");
  });

  it("rejects unknown frequency plans, naming them", async () => {
    const error = await rejectsWith(
      registry.create(
        createRequest("gw-bad-plan", {
          gateway: {
            ids: { gatewayId: "gw-bad-plan" },
            frequencyPlanIds: ["EU_863_870", "MARS_1"],
          },
        }) as never,
        fx.handler(aliceKey),
      ),
      "invalid_argument",
      "unknown_frequency_plan",
    );
    assert.equal(error.attributes.frequency_plan_id, "MARS_1");
    assert.match(error.message, /MARS_1/);
    await rejectsWith(get("gw-bad-plan", adminKey), "not_found");
  });

  it("rejects invalid IDs and EUIs", async () => {
    await rejectsWith(
      registry.create(createRequest("GW_1"), fx.handler(aliceKey)),
      "invalid_argument",
      "invalid_id",
    );
    await rejectsWith(
      registry.create(
        createRequest("gw-short-eui", {
          gateway: { ids: { gatewayId: "gw-short-eui", eui: eui("0011") } },
        }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
      "invalid_eui",
    );
  });

  it("refuses a second gateway with the same EUI", async () => {
    await registry.create(
      createRequest("gw-eui-a", {
        gateway: { ids: { gatewayId: "gw-eui-a", eui: eui("0102030405060708") } },
      }),
      fx.handler(aliceKey),
    );
    const error = await rejectsWith(
      registry.create(
        createRequest(
          "gw-eui-b",
          { gateway: { ids: { gatewayId: "gw-eui-b", eui: eui("0102030405060708") } } },
          "bob",
        ),
        fx.handler(bobKey),
      ),
      "already_exists",
    );
    assert.match(error.message, /0102030405060708/);
    // The ID is taken too.
    await rejectsWith(
      registry.create(createRequest("gw-eui-a"), fx.handler(aliceKey)),
      "already_exists",
    );
  });

  it("finds the identifiers for an EUI only for callers with rights", async () => {
    const request = create(GetGatewayIdentifiersForEUIRequestSchema, {
      eui: eui("0102030405060708"),
    });
    const ids = await registry.getIdentifiersForEUI(request, fx.handler(aliceKey));
    assert.equal(ids.gatewayId, "gw-eui-a");
    await rejectsWith(
      registry.getIdentifiersForEUI(request, fx.handler(bobKey)),
      "permission_denied",
    );
    await rejectsWith(
      registry.getIdentifiersForEUI(
        create(GetGatewayIdentifiersForEUIRequestSchema, { eui: eui("ffffffffffffffff") }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    await rejectsWith(
      registry.getIdentifiersForEUI(
        create(GetGatewayIdentifiersForEUIRequestSchema, { eui: eui("ffffffffffffffff") }),
        fx.handler(adminKey),
      ),
      "not_found",
    );
    await rejectsWith(registry.getIdentifiersForEUI(request, fx.handler()), "unauthenticated");
  });

  it("checks the rights of create, get, update and delete", async () => {
    // Without credentials.
    await rejectsWith(registry.create(createRequest("gw-anon"), fx.handler()), "unauthenticated");
    await rejectsWith(get("gw-full", ""), "unauthenticated");
    // Bob may not create gateways for alice, nor read or change hers.
    await rejectsWith(
      registry.create(createRequest("gw-bob"), fx.handler(bobKey)),
      "permission_denied",
    );
    await rejectsWith(get("gw-full", bobKey, ["attributes"]), "permission_denied");
    await rejectsWith(
      registry.update(
        create(UpdateGatewayRequestSchema, {
          gateway: { ids: { gatewayId: "gw-full" }, name: "mine" },
          fieldMask: { paths: ["name"] },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    await rejectsWith(
      registry.delete(
        create(GatewayIdentifiersSchema, { gatewayId: "gw-full" }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    // A key of alice without RIGHT_USER_GATEWAYS_CREATE cannot create.
    await rejectsWith(
      registry.create(createRequest("gw-ro"), fx.handler(aliceReadOnlyKey)),
      "permission_denied",
    );
    // A key of the gateway reads the gateway but not another one.
    const gatewayKey = await fx.key({ kind: "gateway", id: "gw-full" }, ["RIGHT_GATEWAY_INFO"]);
    assert.equal((await get("gw-full", gatewayKey)).ids?.gatewayId, "gw-full");
    await rejectsWith(get("gw-single", gatewayKey, ["attributes"]), "permission_denied");
    // Admins read every gateway.
    assert.equal((await get("gw-full", adminKey)).name, "Roof");
  });

  it("lets any authenticated caller read the public fields", async () => {
    const read = await get("gw-full", bobKey, ["name", "antennas", "frequency_plan_ids"]);
    assert.equal(read.name, "Roof");
    assert.deepEqual(read.frequencyPlanIds, ["EU_863_870", "EU_863_870_TTN"]);
    // location_public is false: antennas without their location.
    assert.equal(read.antennas[0]?.gain, 3.5);
    assert.equal(read.antennas[0]?.location, undefined);
    await rejectsWith(get("gw-full", bobKey, ["name", "attributes"]), "permission_denied");
    await rejectsWith(get("gw-full", "", ["name"]), "unauthenticated");
  });

  it("creates gateways under organizations for their members", async () => {
    const created = await registry.create(
      create(CreateGatewayRequestSchema, {
        collaborator: { ids: { case: "organizationIds", value: { organizationId: "acme" } } },
        gateway: { ids: { gatewayId: "gw-acme" }, frequencyPlanIds: ["EU_863_870"] },
      }),
      fx.handler(aliceKey),
    );
    assert.equal(created.ids?.gatewayId, "gw-acme");
    await rejectsWith(
      registry.create(
        create(CreateGatewayRequestSchema, {
          collaborator: { ids: { case: "organizationIds", value: { organizationId: "acme" } } },
          gateway: { ids: { gatewayId: "gw-acme-bob" } },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
  });

  it("lists the caller's gateways with a total", async () => {
    const handler = fx.handler(aliceKey);
    const list = await registry.list(
      create(ListGatewaysRequestSchema, { limit: 2, page: 1, order: "gateway_id" }),
      handler,
    );
    assert.equal(list.gateways.length, 2);
    const total = Number(handler.responseHeader.get("x-total-count"));
    // gw-full, gw-single, gw-eui-a and (through acme) gw-acme.
    assert.equal(total, 4);
    const forUser = await registry.list(
      create(ListGatewaysRequestSchema, {
        collaborator: { ids: { case: "userIds", value: { userId: "alice" } } },
      }),
      fx.handler(aliceReadOnlyKey),
    );
    assert.equal(forUser.gateways.length, 4);
    await rejectsWith(
      registry.list(
        create(ListGatewaysRequestSchema, {
          collaborator: { ids: { case: "userIds", value: { userId: "alice" } } },
        }),
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    const bobs = await registry.list(create(ListGatewaysRequestSchema, {}), fx.handler(bobKey));
    assert.equal(bobs.gateways.length, 0);
  });

  it("updates fields named by the field mask, including the EUI and frequency plans", async () => {
    fx.published.length = 0;
    const updated = await registry.update(
      create(UpdateGatewayRequestSchema, {
        gateway: {
          ids: { gatewayId: "gw-single", eui: eui("aabbccddeeff0011") },
          name: "Renamed",
          description: "ignored: not in the mask",
          frequencyPlanIds: ["AU_915_928_FSB_2"],
          locationPublic: true,
        },
        fieldMask: { paths: ["name", "ids.eui", "frequency_plan_ids", "location_public"] },
      }),
      fx.handler(aliceKey),
    );
    assert.equal(updated.name, "Renamed");
    assert.equal(updated.description, "");
    assert.equal(updated.frequencyPlanId, "AU_915_928_FSB_2");
    assert.equal(Buffer.from(updated.ids?.eui ?? []).toString("hex"), "aabbccddeeff0011");
    assert.equal(updated.locationPublic, true);
    assert.deepEqual(
      fx.published.map((e) => e.name),
      ["gateway.update"],
    );

    await rejectsWith(
      registry.update(
        create(UpdateGatewayRequestSchema, {
          gateway: { ids: { gatewayId: "gw-single" }, frequencyPlanIds: ["NOPE"] },
          fieldMask: { paths: ["frequency_plan_ids"] },
        }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
      "unknown_frequency_plan",
    );
    await rejectsWith(
      registry.update(
        create(UpdateGatewayRequestSchema, {
          gateway: { ids: { gatewayId: "gw-single", eui: eui("0102030405060708") } },
          fieldMask: { paths: ["ids.eui"] },
        }),
        fx.handler(aliceKey),
      ),
      "already_exists",
    );
    await rejectsWith(
      registry.update(
        create(UpdateGatewayRequestSchema, {
          gateway: { ids: { gatewayId: "gw-single" } },
          fieldMask: { paths: ["no_such_field"] },
        }),
        fx.handler(aliceKey),
      ),
      "invalid_argument",
    );
  });

  it("returns only the fields of the read mask", async () => {
    const read = await get("gw-full", aliceKey, ["name"]);
    assert.equal(read.name, "Roof");
    assert.equal(read.gatewayServerAddress, "");
    assert.equal(read.antennas.length, 0);
    // The EUI is an identifier: always returned.
    assert.equal(read.ids?.eui?.length, 8);
  });

  it("soft-deletes, restores and (admins only) purges", async () => {
    const ids = create(GatewayIdentifiersSchema, { gatewayId: "gw-eui-a" });
    await registry.delete(ids, fx.handler(aliceKey));
    await rejectsWith(get("gw-eui-a", aliceKey), "not_found");
    const deleted = await registry.list(
      create(ListGatewaysRequestSchema, { deleted: true }),
      fx.handler(adminKey),
    );
    assert.deepEqual(
      deleted.gateways.map((g) => g.ids?.gatewayId),
      ["gw-eui-a"],
    );
    await rejectsWith(
      registry.list(create(ListGatewaysRequestSchema, { deleted: true }), fx.handler(aliceKey)),
      "permission_denied",
    );
    await registry.restore(ids, fx.handler(aliceKey));
    assert.equal((await get("gw-eui-a", aliceKey)).ids?.gatewayId, "gw-eui-a");
    await rejectsWith(registry.restore(ids, fx.handler(aliceKey)), "failed_precondition");
    await rejectsWith(registry.purge(ids, fx.handler(aliceKey)), "permission_denied");
    await registry.purge(ids, fx.handler(adminKey));
    await rejectsWith(get("gw-eui-a", adminKey), "not_found");
    // The purged gateway's EUI is free again.
    await registry.create(
      createRequest("gw-eui-c", {
        gateway: { ids: { gatewayId: "gw-eui-c", eui: eui("0102030405060708") } },
      }),
      fx.handler(aliceKey),
    );
  });

  it("manages API keys and collaborators with the gateway's rights", async () => {
    const gatewayIds = { gatewayId: "gw-full" };
    const key = await access.createAPIKey(
      { gatewayIds, name: "link", rights: [Right.GATEWAY_LINK] } as never,
      fx.handler(aliceKey),
    );
    assert.match(key.key, /^NNSXS\./);
    await rejectsWith(
      access.createAPIKey(
        { gatewayIds, name: "x", rights: [Right.GATEWAY_INFO] } as never,
        fx.handler(bobKey),
      ),
      "permission_denied",
    );
    // Rights of another entity kind cannot be granted.
    await rejectsWith(
      access.createAPIKey(
        { gatewayIds, name: "x", rights: [Right.APPLICATION_INFO] } as never,
        fx.handler(aliceKey),
      ),
      "permission_denied",
    );
    const handler = fx.handler(aliceKey);
    const keys = await access.listAPIKeys({ gatewayIds, limit: 0, page: 0 } as never, handler);
    // This key and the one of the rights test.
    assert.equal(keys.apiKeys.length, 2);
    assert.equal(handler.responseHeader.get("x-total-count"), "2");

    await access.setCollaborator(
      {
        gatewayIds,
        collaborator: {
          ids: { ids: { case: "userIds", value: { userId: "bob" } } },
          rights: [Right.GATEWAY_INFO],
        },
      } as never,
      fx.handler(aliceKey),
    );
    assert.equal((await get("gw-full", bobKey)).name, "Roof");
    await rejectsWith(
      registry.delete(create(GatewayIdentifiersSchema, gatewayIds), fx.handler(bobKey)),
      "permission_denied",
      "missing_rights",
    );
    const collaborators = await access.listCollaborators(
      { gatewayIds, limit: 0, page: 0 } as never,
      fx.handler(aliceKey),
    );
    assert.equal(collaborators.collaborators.length, 2);
    await access.deleteCollaborator(
      {
        gatewayIds,
        collaboratorIds: { ids: { case: "userIds", value: { userId: "bob" } } },
      } as never,
      fx.handler(aliceKey),
    );
    await rejectsWith(get("gw-full", bobKey, ["attributes"]), "permission_denied");
  });
});

describe("gateways over REST", () => {
  let fx: ServiceFixture;
  let app: FastifyInstance;
  let aliceKey: string;
  let bobKey: string;

  before(async () => {
    fx = await openServiceFixture();
    await fx.user("alice");
    await fx.user("bob");
    aliceKey = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    bobKey = await fx.key({ kind: "user", id: "bob" }, ["RIGHT_ALL"]);
    app = await restApp(fx.services, registerGatewayServices);
  });
  after(async () => {
    await app.close();
    await fx.close();
  });

  const call = (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    key?: string,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url: `/api/v3${url}`,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it("creates and reads a gateway in The Things Stack's JSON", async () => {
    const created = await call("POST", "/users/alice/gateways", aliceKey, {
      gateway: {
        ids: { gateway_id: "gw-1", eui: "0011223344556677" },
        frequency_plan_ids: ["EU_863_870"],
        require_authenticated_connection: true,
        antennas: [
          { gain: 2, location: { latitude: 1.5, longitude: 2.5, source: "SOURCE_REGISTRY" } },
        ],
      },
    });
    assert.equal(created.statusCode, 200, created.body);
    const body = created.json();
    assert.deepEqual(body.ids, { gateway_id: "gw-1", eui: "0011223344556677" });
    assert.deepEqual(body.frequency_plan_ids, ["EU_863_870"]);
    assert.equal(body.frequency_plan_id, "EU_863_870");
    assert.equal(body.require_authenticated_connection, true);
    assert.equal(body.antennas[0].location.source, "SOURCE_REGISTRY");
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT/);

    const read = await call("GET", "/gateways/gw-1?field_mask=name,frequency_plan_ids", aliceKey);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().ids.eui, "0011223344556677");

    const lower = await call("POST", "/users/alice/gateways", aliceKey, {
      gateway: { ids: { gateway_id: "gw-2", eui: "aabbccddeeff0011" } },
    });
    assert.equal(lower.statusCode, 200, lower.body);
    assert.equal(lower.json().ids.eui, "AABBCCDDEEFF0011");

    const list = await call("GET", "/users/alice/gateways?limit=1", aliceKey);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().gateways.length, 1);
    assert.equal(list.headers["x-total-count"], "2");
  });

  it("answers errors with status and the JSON error body", async () => {
    const anonymous = await call("GET", "/gateways/gw-1");
    assert.equal(anonymous.statusCode, 401, anonymous.body);
    const forbidden = await call("GET", "/gateways/gw-1?field_mask=attributes", bobKey);
    assert.equal(forbidden.statusCode, 403, forbidden.body);
    assert.equal(forbidden.json().details[0].name, "no_rights");

    const duplicate = await call("POST", "/users/bob/gateways", bobKey, {
      gateway: { ids: { gateway_id: "gw-bob", eui: "0011223344556677" } },
    });
    assert.equal(duplicate.statusCode, 409, duplicate.body);
    assert.match(duplicate.json().message, /0011223344556677/);

    const badId = await call("POST", "/users/bob/gateways", bobKey, {
      gateway: { ids: { gateway_id: "Gw_1" } },
    });
    assert.equal(badId.statusCode, 400, badId.body);
    const badEui = await call("POST", "/users/bob/gateways", bobKey, {
      gateway: { ids: { gateway_id: "gw-bob", eui: "00112233" } },
    });
    assert.equal(badEui.statusCode, 400, badEui.body);
    const badPlan = await call("POST", "/users/bob/gateways", bobKey, {
      gateway: { ids: { gateway_id: "gw-bob" }, frequency_plan_ids: ["EU_868"] },
    });
    assert.equal(badPlan.statusCode, 400, badPlan.body);
    assert.match(badPlan.json().message, /EU_868/);

    // Nothing was half-written.
    const bobs = await call("GET", "/users/bob/gateways", bobKey);
    assert.equal(bobs.json().gateways?.length ?? 0, 0);
  });

  it("updates with PUT and a field mask, deletes and restores", async () => {
    const updated = await call("PUT", "/gateways/gw-1", aliceKey, {
      gateway: { name: "Tower", status_public: true },
      field_mask: { paths: ["name", "status_public"] },
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().name, "Tower");
    assert.equal(updated.json().status_public, true);
    const deleted = await call("DELETE", "/gateways/gw-1", aliceKey);
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal((await call("GET", "/gateways/gw-1", aliceKey)).statusCode, 404);
    const restored = await call("POST", "/gateways/gw-1/restore", aliceKey);
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal((await call("GET", "/gateways/gw-1", aliceKey)).statusCode, 200);
    const purge = await call("DELETE", "/gateways/gw-1/purge", aliceKey);
    assert.equal(purge.statusCode, 403, purge.body);
  });
});

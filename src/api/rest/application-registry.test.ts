import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HandlerContext } from "@connectrpc/connect";
import Fastify, { type FastifyInstance } from "fastify";
import type {
  CreateApplicationRequest,
  GetApplicationRequest,
  UpdateApplicationRequest,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { buildOpenApiDocument } from "./openapi.ts";
import { listRestRoutes, registerRestRoutes, restService } from "./transcoder.ts";

describe("REST transcoder with the real ApplicationRegistry", () => {
  let app: FastifyInstance;
  const seen: {
    create?: CreateApplicationRequest;
    get?: GetApplicationRequest;
    update?: UpdateApplicationRequest;
    auth?: string | null;
  } = {};
  const auth = (context: HandlerContext) => {
    seen.auth = context.requestHeader.get("authorization");
  };

  before(async () => {
    app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError: (error) => ({ status: 500, body: { message: String(error) } }),
      services: [
        restService(ApplicationRegistry, {
          create(request, context) {
            seen.create = request;
            auth(context);
            const { ids, name } = request.application ?? {};
            return { ids, name, createdAt: { seconds: 1596197871n, nanos: 645_000_000 } };
          },
          get(request, context) {
            seen.get = request;
            auth(context);
            return { ids: request.applicationIds, name: "App" };
          },
          update(request) {
            seen.update = request;
            return request.application ?? {};
          },
        }),
      ],
    });
    await app.ready();
  });
  after(() => app.close());

  it("routes every binding of the generated annotations", () => {
    const paths = listRestRoutes(
      [{ service: ApplicationRegistry, implementation: {} }],
      "/api/v3",
    ).map((r) => `${r.httpMethod} ${r.path}`);
    assert.ok(paths.includes("POST /api/v3/users/{collaborator.user_ids.user_id}/applications"));
    assert.ok(paths.includes("GET /api/v3/applications/{application_ids.application_id}"));
  });

  it("POST /api/v3/users/{user_id}/applications reaches Create with the right fields", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/users/alice/applications",
      headers: { authorization: "Bearer NNSXS.KEY.SECRET" },
      payload: { application: { ids: { application_id: "app1" }, name: "My app" } },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      ids: { application_id: "app1" },
      created_at: "2020-07-31T12:17:51.645Z",
      name: "My app",
    });
    const request = seen.create as CreateApplicationRequest;
    assert.equal(request.collaborator?.ids.case, "userIds");
    assert.equal(request.collaborator?.ids.value?.userId, "alice");
    assert.equal(request.application?.ids?.applicationId, "app1");
    assert.equal(request.application?.name, "My app");
    assert.equal(seen.auth, "Bearer NNSXS.KEY.SECRET");

    const organization = await app.inject({
      method: "POST",
      url: "/api/v3/organizations/acme/applications",
      payload: { application: { ids: { application_id: "app2" } } },
    });
    assert.equal(organization.statusCode, 200, organization.body);
    assert.equal(seen.create?.collaborator?.ids.case, "organizationIds");
  });

  it("GET /api/v3/applications/{id}?field_mask=... reaches Get", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/api/v3/applications/app1?field_mask=name,description",
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { ids: { application_id: "app1" }, name: "App" });
    assert.equal(seen.get?.applicationIds?.applicationId, "app1");
    assert.deepEqual(seen.get?.fieldMask?.paths, ["name", "description"]);
  });

  it("PUT /api/v3/applications/{id} with {application, field_mask: {paths}} reaches Update", async () => {
    const response = await app.inject({
      method: "PUT",
      url: "/api/v3/applications/app1",
      payload: { application: { name: "Renamed" }, field_mask: { paths: ["name"] } },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(seen.update?.application?.ids?.applicationId, "app1");
    assert.equal(seen.update?.application?.name, "Renamed");
    assert.deepEqual(seen.update?.fieldMask?.paths, ["name"]);
  });

  it("unimplemented methods reach onError", async () => {
    const response = await app.inject({ method: "DELETE", url: "/api/v3/applications/app1" });
    assert.equal(response.statusCode, 500);
    assert.match(response.json().message, /ApplicationRegistry\/Delete/);
  });

  it("builds an OpenAPI document for the real service", () => {
    const doc = buildOpenApiDocument([ApplicationRegistry], { prefix: "/api/v3" }) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const create = doc.paths["/api/v3/users/{collaborator.user_ids.user_id}/applications"];
    assert.equal(create?.post?.operationId, "ApplicationRegistry_Create");
  });
});

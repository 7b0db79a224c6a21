import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { create, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { pino } from "pino";
import { DefinedError, errorNamespace } from "../../errors/index.ts";
import {
  Color,
  type CreateThingRequest,
  type GetThingRequest,
  type ListThingsRequest,
  type SetPartRequest,
  ThingRegistry,
  ThingSchema,
  type UpdateThingRequest,
  type WatchRequest,
} from "./testdata/gen/lorastack/test/things_pb.js";
import { listRestRoutes, registerRestRoutes, restService } from "./transcoder.ts";

const errThingNotFound = errorNamespace("api/rest/test").notFound(
  "thing_not_found",
  "thing `{thing_id}` not found",
);

/** The caller's error mapping, reduced to what the tests look at. */
function onError(error: unknown) {
  if (error instanceof DefinedError) {
    return {
      status: error.httpStatus,
      body: { code: error.grpcStatus, message: error.message, name: error.definition.name },
    };
  }
  if (error instanceof ConnectError) {
    return {
      status: error.code === Code.PermissionDenied ? 403 : 500,
      body: { message: error.rawMessage },
    };
  }
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  return { status, body: { message: (error as Error).message } };
}

describe("REST transcoder", () => {
  let app: FastifyInstance;
  const calls: { method: string; request: Message; context: HandlerContext }[] = [];
  const record = (method: string, request: Message, context: HandlerContext) => {
    calls.push({ method, request, context });
  };
  const lastCall = () => calls.at(-1) as (typeof calls)[number];

  before(async () => {
    app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError,
      services: [
        restService(ThingRegistry, {
          create(request: CreateThingRequest, context) {
            record("Create", request, context);
            if (context.requestHeader.get("authorization") !== "Bearer good") {
              throw new ConnectError("no rights", Code.PermissionDenied);
            }
            return {
              ids: request.thing?.ids,
              name: request.thing?.name.toUpperCase(),
              colors: request.thing?.colors,
            };
          },
          get(request: GetThingRequest, context) {
            record("Get", request, context);
            if (request.thingIds?.thingId === "missing") {
              throw errThingNotFound.create({ thing_id: "missing" });
            }
            return {
              ids: request.thingIds,
              name: "thing",
              sessionKey: new Uint8Array([0xaa, 0x01]),
              color: Color.GREEN,
            };
          },
          list(request: ListThingsRequest, context) {
            record("List", request, context);
            context.responseHeader.set("x-total-count", "42");
            return { things: [{ name: "a" }, { name: "b" }] };
          },
          update(request: UpdateThingRequest, context) {
            record("Update", request, context);
            return request.thing ?? {};
          },
          setPart(request: SetPartRequest, context) {
            record("SetPart", request, context);
            return create(ThingSchema, { parts: request.part ? [request.part] : [] });
          },
          async *watch(request: WatchRequest, context) {
            record("Watch", request, context);
            for (const ids of request.identifiers) {
              if (ids.thingId === "boom") throw errThingNotFound.create({ thing_id: "boom" });
              yield { ids };
            }
          },
          getResource(request, context) {
            record("GetResource", request, context);
            return { name: request.name };
          },
        }),
      ],
    });
    await app.ready();
  });
  after(() => app.close());

  it("lists one route per binding, with Fastify URLs", () => {
    const routes = listRestRoutes([{ service: ThingRegistry, implementation: {} }], "/api/v3");
    assert.deepEqual(
      routes.map((r) => `${r.httpMethod} ${r.path} -> ${r.url} (${r.method})`),
      [
        "POST /api/v3/shelves/{shelf_ids.shelf_id}/things -> /api/v3/shelves/:p1/things (Create)",
        "GET /api/v3/shelves/{thing_ids.shelf_ids.shelf_id}/things/{thing_ids.thing_id} -> /api/v3/shelves/:p1/things/:p3 (Get)",
        "GET /api/v3/shelves/{shelf_ids.shelf_id}/things -> /api/v3/shelves/:p1/things (List)",
        "GET /api/v3/things -> /api/v3/things (List)",
        "PUT /api/v3/shelves/{thing.ids.shelf_ids.shelf_id}/things/{thing.ids.thing_id} -> /api/v3/shelves/:p1/things/:p3 (Update)",
        "DELETE /api/v3/shelves/{shelf_ids.shelf_id}/things/{thing_id} -> /api/v3/shelves/:p1/things/:p3 (Delete)",
        "PUT /api/v3/shelves/{thing_ids.shelf_ids.shelf_id}/things/{thing_ids.thing_id}/part -> /api/v3/shelves/:p1/things/:p3/part (SetPart)",
        "GET /api/v3/{name} -> /api/v3/resources/:p1/items/:p3 (GetResource)",
        "GET /api/v3/files/{name} -> /api/v3/files/* (GetResource)",
        "POST /api/v3/resources:refresh -> /api/v3/resources::refresh (GetResource)",
        "POST /api/v3/things/watch -> /api/v3/things/watch (Watch)",
      ],
    );
    assert.equal(routes.find((r) => r.method === "Watch")?.streaming, true);
    assert.equal(routes.find((r) => r.method === "SetPart")?.responseBody, "parts");
  });

  it("POST with body * sets the whole request, path variables win, headers reach the context", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s1/things",
      headers: { authorization: "Bearer good", "content-type": "application/json" },
      payload: {
        shelf_ids: { shelf_id: "ignored" },
        thing: {
          ids: { thing_id: "t1", eui: "70b3d57ed0000001" },
          name: "lamp",
          colors: ["COLOR_RED"],
        },
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
    assert.deepEqual(response.json(), {
      ids: { thing_id: "t1", eui: "70B3D57ED0000001" },
      name: "LAMP",
      colors: ["COLOR_RED"],
    });
    const { request, context } = lastCall();
    const create = request as CreateThingRequest;
    assert.equal(create.shelfIds?.shelfId, "s1");
    assert.equal(context.requestMethod, "POST");
    assert.equal(context.method.name, "Create");
    assert.equal(context.url, "http://localhost:80/api/v3/shelves/s1/things");
  });

  it("errors of the implementation go through onError", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s1/things",
      headers: { authorization: "Bearer bad" },
      payload: { thing: { name: "x" } },
    });
    assert.equal(response.statusCode, 403);
    assert.deepEqual(response.json(), { message: "no rights" });

    const missing = await app.inject({ method: "GET", url: "/api/v3/shelves/s1/things/missing" });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().name, "thing_not_found");
  });

  it("GET sets nested path variables, field_mask from a comma list, and writes hex and enums", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/api/v3/shelves/s1/things/t1?field_mask=name,description&field_mask=ids.eui",
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      ids: { thing_id: "t1", shelf_ids: { shelf_id: "s1" } },
      name: "thing",
      color: "COLOR_GREEN",
      session_key: "AA01",
    });
    const request = lastCall().request as GetThingRequest;
    assert.equal(request.thingIds?.thingId, "t1");
    assert.equal(request.thingIds?.shelfIds?.shelfId, "s1");
    assert.deepEqual(request.fieldMask?.paths, ["name", "description", "ids.eui"]);
  });

  it("decodes URL-encoded path variables", async () => {
    await app.inject({ method: "GET", url: "/api/v3/shelves/s%201/things/t1" });
    assert.equal((lastCall().request as GetThingRequest).thingIds?.shelfIds?.shelfId, "s 1");
  });

  it("GET takes scalar, repeated, enum, timestamp, hex and wrapper fields from the query", async () => {
    const response = await app.inject({
      method: "GET",
      url:
        "/api/v3/things?limit=10&page=2&order=-created_at&colors=COLOR_RED&colors=2" +
        "&tags=a&tags=b&deleted=true&since=2020-07-31T12:17:51.645Z&eui=70b3d57ed0000001" +
        "&min_count=3&field_mask.paths=name&field_mask.paths=ids",
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers["x-total-count"], "42");
    assert.deepEqual(response.json(), { things: [{ name: "a" }, { name: "b" }] });
    const request = lastCall().request as ListThingsRequest;
    assert.equal(request.limit, 10);
    assert.equal(request.page, 2);
    assert.equal(request.order, "-created_at");
    assert.deepEqual(request.colors, [Color.RED, Color.GREEN]);
    assert.deepEqual(request.tags, ["a", "b"]);
    assert.equal(request.deleted, true);
    assert.equal(request.since?.seconds, 1596197871n);
    assert.deepEqual([...(request.eui ?? [])], [0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0, 0, 1]);
    assert.equal(request.minCount, 3);
    assert.deepEqual(request.fieldMask?.paths, ["name", "ids"]);
  });

  it("the same method answers on its additional binding", async () => {
    const response = await app.inject({ method: "GET", url: "/api/v3/shelves/s9/things?limit=1" });
    assert.equal(response.statusCode, 200);
    const request = lastCall().request as ListThingsRequest;
    assert.equal(request.shelfIds?.shelfId, "s9");
    assert.equal(request.limit, 1);
  });

  it("rejects bad query parameters with a typed invalid_argument error", async () => {
    for (const [query, name, text] of [
      ["limit=ten", "invalid_field_value", "limit"],
      ["limit=1&limit=2", "invalid_field_value", "limit"],
      ["colors=COLOR_BLUE", "invalid_field_value", "colors[0]"],
      ["eui=XYZ", "invalid_hex", "eui"],
      ["deleted=maybe", "invalid_field_value", "deleted"],
    ] as const) {
      const response = await app.inject({ method: "GET", url: `/api/v3/things?${query}` });
      assert.equal(response.statusCode, 400, query);
      const body = response.json();
      assert.equal(body.name, name, query);
      assert.equal(body.code, 3, query);
      assert.match(body.message, new RegExp(`\`${text.replace(/[[\]]/g, "\\$&")}\``), query);
    }
  });

  it("PUT with body * and a field mask object, as TTS scripts send it", async () => {
    const response = await app.inject({
      method: "PUT",
      url: "/api/v3/shelves/s1/things/t1",
      payload: {
        thing: { name: "new", ids: { thing_id: "other" } },
        field_mask: { paths: ["name"] },
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    const request = lastCall().request as UpdateThingRequest;
    assert.equal(request.thing?.ids?.thingId, "t1", "the path variable wins over the body");
    assert.equal(request.thing?.ids?.shelfIds?.shelfId, "s1");
    assert.deepEqual(request.fieldMask?.paths, ["name"]);
    assert.deepEqual(response.json(), {
      ids: { thing_id: "t1", shelf_ids: { shelf_id: "s1" } },
      name: "new",
    });
  });

  it("merges path variables into a body written with lowerCamelCase names", async () => {
    const response = await app.inject({
      method: "PUT",
      url: "/api/v3/shelves/s1/things/t1",
      payload: { thing: { ids: { shelfIds: { shelfId: "x" } } }, fieldMask: "name" },
    });
    assert.equal(response.statusCode, 200, response.body);
    const request = lastCall().request as UpdateThingRequest;
    assert.equal(request.thing?.ids?.shelfIds?.shelfId, "s1");
    assert.deepEqual(request.fieldMask?.paths, ["name"]);
  });

  it("a body bound to one field, and response_body", async () => {
    const response = await app.inject({
      method: "PUT",
      url: "/api/v3/shelves/s1/things/t1/part",
      payload: { name: "wheel", code: "0a0b" },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), [{ name: "wheel", code: "0A0B" }]);
    const request = lastCall().request as SetPartRequest;
    assert.equal(request.part?.name, "wheel");
    assert.equal(request.thingIds?.thingId, "t1");
  });

  it("rejects malformed JSON and bad values of known fields in the body", async () => {
    const cases = [
      ["{", "malformed_json", /not valid JSON/],
      ["[1]", "invalid_field_value", /`\(body\)`/],
      [`{"thing": {"colour": "red", "name": 1}}`, "invalid_field_value", /`thing\.name`/],
      [
        `{"thing": {"versions": {"mac": "1.0.9"}}}`,
        "invalid_field_value",
        /`thing\.versions\.mac`/,
      ],
      [`{"thing": {"ids": {"eui": "0x12"}}}`, "invalid_hex", /`thing\.ids\.eui`/],
      [`{"thing": {"keys": ["AB", "A"]}}`, "invalid_hex", /`thing\.keys\[1\]`/],
    ] as const;
    for (const [payload, name, message] of cases) {
      const response = await app.inject({
        method: "POST",
        url: "/api/v3/shelves/s1/things",
        headers: { "content-type": "application/json", authorization: "Bearer good" },
        payload,
      });
      assert.equal(response.statusCode, 400, payload);
      assert.equal(response.json().name, name, payload);
      assert.match(response.json().message, message, payload);
    }
  });

  it("accepts an empty body and a body without content type", async () => {
    const empty = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s1/things",
      headers: { authorization: "Bearer good" },
    });
    assert.equal(empty.statusCode, 200, empty.body);
    const plain = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s1/things",
      headers: { authorization: "Bearer good", "content-type": "text/plain" },
      payload: `{"thing": {"name": "x"}}`,
    });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.deepEqual(plain.json(), { name: "X" });
  });

  it("an unimplemented method is a typed unimplemented error", async () => {
    const response = await app.inject({ method: "DELETE", url: "/api/v3/shelves/s1/things/t1" });
    assert.equal(response.statusCode, 501);
    assert.equal(response.json().name, "not_implemented");
    assert.match(response.json().message, /\/lorastack\.test\.ThingRegistry\/Delete/);
  });

  it("multi-segment variables, ** and custom verbs", async () => {
    const items = await app.inject({ method: "GET", url: "/api/v3/resources/r1/items/i2" });
    assert.deepEqual(items.json(), { name: "resources/r1/items/i2" });
    const wrong = await app.inject({ method: "GET", url: "/api/v3/resources/r1/other/i2" });
    assert.equal(wrong.statusCode, 404);
    const files = await app.inject({ method: "GET", url: "/api/v3/files/a/b/c.txt" });
    assert.deepEqual(files.json(), { name: "a/b/c.txt" });
    const verb = await app.inject({
      method: "POST",
      url: "/api/v3/resources:refresh",
      payload: { name: "all" },
    });
    assert.deepEqual(verb.json(), { name: "all" });
  });

  it("matches paths exactly", async () => {
    for (const url of [
      "/api/v3/shelves/s1/things/t1/",
      "/api/v3/shelves/s1/things/t1/x",
      "/v3/things",
    ]) {
      const response = await app.inject({ method: "GET", url });
      assert.equal(response.statusCode, 404, url);
    }
  });

  it("streams newline-delimited {result} objects, and {error} at the end", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/things/watch",
      payload: { identifiers: [{ thing_id: "a" }, { thing_id: "b" }, { thing_id: "boom" }] },
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /^application\/json/);
    const lines = response.body.split("\n");
    assert.equal(lines.at(-1), "");
    assert.deepEqual(
      lines.slice(0, -1).map((line) => JSON.parse(line)),
      [
        { result: { ids: { thing_id: "a" } } },
        { result: { ids: { thing_id: "b" } } },
        { error: { code: 5, message: "thing `boom` not found", name: "thing_not_found" } },
      ],
    );
  });

  it("streams as text/event-stream with blank-line delimiters when asked to", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/things/watch",
      headers: { accept: "text/event-stream" },
      payload: { identifiers: [{ thing_id: "a" }, { thing_id: "b" }] },
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /^text\/event-stream/);
    assert.equal(
      response.body,
      `{"result":{"ids":{"thing_id":"a"}}}\n\n{"result":{"ids":{"thing_id":"b"}}}\n\n`,
    );
  });

  it("a stream that fails before its first message answers with the error's status", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/things/watch",
      payload: { identifiers: [{ thing_id: "boom" }] },
    });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(JSON.parse(response.body.trim()).error.name, "thing_not_found");
  });
});

describe("REST transcoder over a real socket", () => {
  it("streams as messages come and aborts the context when the client goes away", async () => {
    let aborted: () => void = () => {};
    const wasAborted = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const app = Fastify({ bodyLimit: 200 });
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError,
      services: [
        restService(ThingRegistry, {
          async *watch(_request, context) {
            yield { name: "first" };
            await new Promise<void>((resolve) => {
              context.signal.addEventListener("abort", () => resolve());
            });
            aborted();
          },
        }),
      ],
    });
    try {
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      const client = new AbortController();
      const response = await fetch(`${address}/api/v3/things/watch`, {
        method: "POST",
        body: "{}",
        signal: client.signal,
      });
      assert.equal(response.status, 200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      assert.equal(new TextDecoder().decode(value), `{"result":{"name":"first"}}\n`);
      client.abort();
      await wasAborted;

      const tooLarge = await fetch(`${address}/api/v3/things/watch`, {
        method: "POST",
        body: JSON.stringify({ identifiers: Array(50).fill({ thing_id: "x" }) }),
      });
      assert.equal(tooLarge.status, 413, "Fastify's own errors go through onError too");
      assert.match(((await tooLarge.json()) as { message: string }).message, /too large/i);
    } finally {
      await app.close();
    }
  });
});

describe("REST transcoder, reading as The Things Stack reads", () => {
  let app: FastifyInstance;
  const logs: Record<string, unknown>[] = [];
  const failedRequests: string[] = [];
  let created: CreateThingRequest | undefined;
  let listed: ListThingsRequest | undefined;

  before(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    let next = 0;
    app = Fastify({
      loggerInstance: pino({ level: "debug" }, stream) as FastifyBaseLogger,
      genReqId: () => `request-${++next}`,
    });
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError(error, request) {
        failedRequests.push(request.id);
        return onError(error);
      },
      services: [
        restService(ThingRegistry, {
          create(request: CreateThingRequest) {
            created = request;
            return request.thing ?? {};
          },
          list(request: ListThingsRequest) {
            listed = request;
            return {};
          },
        }),
      ],
    });
    await app.ready();
  });
  after(() => app.close());

  it("skips unknown body fields, such as the field_mask TTS's documentation sends on create", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s1/things",
      payload: {
        thing: {
          ids: { thing_id: "t1", serial: "x" },
          name: "lamp",
          versions: { mac: "1.0.3", phys: ["1.0.3-a", "RP001_V1_0_3_REV_A", 7, "7"] },
          colour: "red",
        },
        field_mask: { paths: ["name", "versions"] },
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      ids: { thing_id: "t1" },
      name: "lamp",
      versions: { mac: "MAC_V1_0_3", phys: Array(4).fill("PHY_V1_0_3_REV_A") },
    });
    assert.equal(created?.thing?.versions?.mac, 5);
    const line = logs.find((log) => log.msg === "ignored unknown request fields");
    assert.ok(line, JSON.stringify(logs));
    assert.equal(line.level, 20, "debug");
    assert.equal(line.reqId, "request-1", "the request's own logger");
    assert.equal(line.method, "/lorastack.test.ThingRegistry/Create");
    assert.deepEqual(line.unknown_fields, ["thing.ids.serial", "thing.colour", "field_mask"]);
    assert.deepEqual(line.unknown_query_parameters, []);
  });

  it("skips unknown query parameters and logs them, also when the request then fails", async () => {
    logs.length = 0;
    const ok = await app.inject({ method: "GET", url: "/api/v3/things?limit=3&utm_source=x" });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(listed?.limit, 3);
    const bad = await app.inject({ method: "GET", url: "/api/v3/things?limt=3&limit=x" });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().message, /`limit`/);
    const lines = logs.filter((log) => log.msg === "ignored unknown request fields");
    assert.deepEqual(
      lines.map((line) => [line.reqId, line.unknown_query_parameters]),
      [
        ["request-2", ["utm_source"]],
        ["request-3", ["limt"]],
      ],
    );
    assert.deepEqual(failedRequests, ["request-3"], "onError is told which request failed");
  });

  it("logs nothing when every field is known", async () => {
    logs.length = 0;
    const response = await app.inject({ method: "GET", url: "/api/v3/things?limit=3" });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      logs.filter((log) => log.msg === "ignored unknown request fields"),
      [],
    );
  });
});

import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { HttpServer } from "../http/http-server.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import { mountApiOnHttp } from "./mount.ts";
import { ApiRegistry } from "./registry.ts";
import { ThingRegistry } from "./rest/testdata/gen/lorastack/test/things_pb.js";

const notFound = { code: 5, message: "Not Found", details: [] };

/** The HTTP app with the API mounted, and the JSON log lines it writes. */
async function mounted(register: (api: ApiRegistry) => void = () => {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: "debug" }, destination);
  const server = new HttpServer(logger);
  const api = new ApiRegistry();
  register(api);
  await mountApiOnHttp(server.app, api, { logger, clusterKeys: ClusterKeys.fromHex([]) });
  return { app: server.app, lines, close: () => server.close(0) };
}

describe("the API on the HTTP app", () => {
  it("answers unknown paths under /api/v3 as TTS does, and leaves other paths alone", async () => {
    const { app, close } = await mounted((api) =>
      api.register(ThingRegistry, { get: () => ({ name: "x" }) }),
    );
    for (const [method, url] of [
      ["GET", "/api/v3/nope"],
      ["GET", "/api/v3"],
      ["GET", "/api/v3/"],
      ["POST", "/api/v3/shelves/s/things/t/x"],
      ["PATCH", "/api/v3/shelves/s/things/t"],
    ] as const) {
      const response = await app.inject({ method, url });
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(response.json(), notFound, `${method} ${url}`);
    }
    const known = await app.inject({ method: "GET", url: "/api/v3/shelves/s/things/t" });
    assert.equal(known.statusCode, 200, known.body);
    const outside = await app.inject({ method: "GET", url: "/nope" });
    assert.equal(outside.statusCode, 404);
    assert.notDeepEqual(outside.json(), notFound, "not an API path");
    await close();
  });

  it("answers unknown API paths as TTS does even before any service is registered", async () => {
    const { app, close } = await mounted();
    const response = await app.inject({ method: "GET", url: "/api/v3/applications" });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), notFound);
    await close();
  });

  it("gives an error the request's correlation id, the one its log lines carry", async () => {
    const { app, lines, close } = await mounted((api) =>
      api.register(ThingRegistry, { create: () => ({}) }),
    );
    const response = await app.inject({
      method: "POST",
      url: "/api/v3/shelves/s/things",
      payload: { thing: { nmae: "typo", ids: { eui: "not hex" } } },
    });
    assert.equal(response.statusCode, 400, response.body);
    const correlationId = response.json().details[0].correlation_id;
    assert.match(correlationId, /^[0-9a-f]{32}$/);
    const ignored = lines.find((line) => line.msg === "ignored unknown request fields");
    assert.equal(ignored?.correlation_id, correlationId);
    assert.deepEqual(ignored?.unknown_fields, ["thing.nmae"]);
    await close();
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { Echo, EchoObservations, echoImplementation } from "../cluster/peers/test-echo-service.ts";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import {
  ClusterKeys,
  clusterKeyHeader,
  errMalformedClusterKey,
  isPeerCall,
} from "./cluster-keys.ts";
import { mountApiOnHttp } from "./mount.ts";
import { ApiRegistry } from "./registry.ts";

const key = "0123456789abcdef".repeat(2);

describe("cluster keys", () => {
  it("accepts every configured key, case-insensitively, and nothing else", () => {
    const other = "fe".repeat(32);
    const keys = ClusterKeys.fromHex([key, other]);
    assert.equal(keys.generated, false);
    assert.equal(keys.callKey, key);
    assert.equal(keys.check(key), "valid");
    assert.equal(keys.check(other.toUpperCase()), "valid");
    assert.equal(keys.check(undefined), "absent");
    assert.equal(keys.check(null), "absent");
    for (const wrong of ["", "00", `${key}00`, "zz".repeat(16), "ab".repeat(65), key.slice(1)])
      assert.equal(keys.check(wrong), "invalid", wrong);
  });

  it("generates a random key when none is configured", () => {
    const a = ClusterKeys.fromHex([]);
    const b = ClusterKeys.fromHex([]);
    assert.equal(a.generated, true);
    assert.match(a.callKey, /^[0-9a-f]{64}$/);
    assert.notEqual(a.callKey, b.callKey);
    assert.equal(a.check(b.callKey), "invalid");
  });

  it("refuses a malformed configured key", () => {
    assert.throws(
      () => ClusterKeys.fromHex(["abc"]),
      (error: unknown) => errMalformedClusterKey.matches(error),
    );
  });
});

describe("cluster keys on the HTTP port", () => {
  let app: FastifyInstance;
  const seen: { peer?: boolean } = {};

  before(async () => {
    const registry = new ApiRegistry();
    registry.register(Echo, echoImplementation(new EchoObservations()) as never, {
      internal: true,
    });
    registry.register(EntityAccess, {
      authInfo: (_request, context) => {
        seen.peer = isPeerCall(context);
        return { isAdmin: false };
      },
    });
    app = Fastify();
    await mountApiOnHttp(app, registry, {
      logger: pino({ level: "silent" }),
      clusterKeys: ClusterKeys.fromHex([key]),
    });
    await app.ready();
  });
  after(() => app.close());

  it("refuses a REST call with a wrong cluster key, and marks one with the right key", async () => {
    const wrong = await app.inject({
      url: "/api/v3/auth_info",
      headers: { [clusterKeyHeader]: "ab".repeat(16) },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().details[0].namespace, "api/cluster");
    assert.equal(wrong.json().details[0].name, "invalid_cluster_key");

    const right = await app.inject({
      url: "/api/v3/auth_info",
      headers: { [clusterKeyHeader]: key },
    });
    assert.equal(right.statusCode, 200);
    assert.equal(seen.peer, true);
    assert.equal((await app.inject({ url: "/api/v3/auth_info" })).statusCode, 200);
    assert.equal(seen.peer, false);
  });

  it("refuses a Connect call with a wrong cluster key", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/ttn.lorawan.v3.EntityAccess/AuthInfo",
      headers: { "content-type": "application/json", [clusterKeyHeader]: "cd".repeat(16) },
      payload: "{}",
    });
    assert.equal(response.statusCode, 401);
    assert.match(response.json().message, /api\/cluster:invalid_cluster_key/);
  });

  it("does not serve internal services, not even with the cluster key", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/lorastack.test.Echo/Say",
      headers: { "content-type": "application/json", [clusterKeyHeader]: key },
      payload: '"x"',
    });
    assert.equal(response.statusCode, 404);
    const openApi = (await app.inject({ url: "/api/v3/openapi.json" })).json();
    assert.doesNotMatch(JSON.stringify(openApi), /lorastack\.test\.Echo/);
  });
});

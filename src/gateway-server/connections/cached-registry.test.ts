import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { type Gateway, GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { errGatewayNotFound, errRegistryUnavailable } from "../errors.ts";
import { CachedGatewayRegistry } from "./cached-registry.ts";
import type { GatewayRegistry } from "./gateway-registry.ts";

function counting(answer: (id: string) => Promise<Gateway>) {
  const calls: string[] = [];
  const registry: GatewayRegistry = {
    byEui: () => Promise.reject(new Error("not used")),
    byId: (id) => {
      calls.push(id);
      return answer(id);
    },
    updateAntennas: async () => {},
  };
  return { calls, registry };
}

describe("cached gateway registry", () => {
  it("keeps answers and refusals for the TTL, and shares concurrent lookups", async () => {
    let now = 0;
    const { calls, registry } = counting(async (id) => {
      if (id === "nope") throw errGatewayNotFound.create({ gateway: id });
      return create(GatewaySchema, { ids: { gatewayId: id } });
    });
    const cached = new CachedGatewayRegistry(registry, { ttlMs: 1000, now: () => now });
    const [first, second] = await Promise.all([cached.byId("gw"), cached.byId("gw")]);
    assert.equal(first, second);
    await assert.rejects(cached.byId("nope"));
    await assert.rejects(cached.byId("nope"));
    assert.deepEqual(calls, ["gw", "nope"]);
    now = 1000;
    await cached.byId("gw");
    assert.deepEqual(calls, ["gw", "nope", "gw"]);
    cached.forget("gw");
    await cached.byId("gw");
    assert.equal(calls.length, 4);
  });

  it("does not keep failures, nor answers with secrets", async () => {
    let fail = true;
    const { calls, registry } = counting(async (id) => {
      if (fail) throw errRegistryUnavailable.create();
      return create(GatewaySchema, { ids: { gatewayId: id } });
    });
    const cached = new CachedGatewayRegistry(registry, { ttlMs: 1000, now: () => 0 });
    await assert.rejects(cached.byId("gw"));
    // The failed answer is dropped once it settles.
    await new Promise((resolve) => setImmediate(resolve));
    fail = false;
    await cached.byId("gw");
    await cached.byId("gw", { secrets: true });
    await cached.byId("gw", { secrets: true });
    assert.equal(calls.length, 4);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currentCorrelationIds, rpcCorrelationId, withCorrelationIds } from "./correlation.ts";

describe("correlation ids", () => {
  it("are kept across awaits in a scope, nested scopes adding theirs", async () => {
    assert.deepEqual(currentCorrelationIds(), []);
    await withCorrelationIds(["a"], async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      assert.deepEqual(currentCorrelationIds(), ["a"]);
      await withCorrelationIds(["b", "a", ""], async () => {
        assert.deepEqual(currentCorrelationIds(), ["a", "b"]);
      });
      assert.deepEqual(currentCorrelationIds(), ["a"]);
    });
    assert.deepEqual(currentCorrelationIds(), []);
  });

  it("name an API call as The Things Stack does, with the caller's request id when usable", () => {
    assert.equal(
      rpcCorrelationId("/ttn.lorawan.v3.ApplicationRegistry/Update", "req-1"),
      "rpc:/ttn.lorawan.v3.ApplicationRegistry/Update:req-1",
    );
    for (const unusable of [null, "", "has space", "x".repeat(65), "new\nline"])
      assert.match(rpcCorrelationId("/s/M", unusable), /^rpc:\/s\/M:[0-9A-Z]{26}$/);
    assert.ok(rpcCorrelationId(`/${"s".repeat(200)}/M`, "r").length <= 100);
  });
});

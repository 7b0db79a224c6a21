import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import { ApplicationPubSubSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import { SqlPubSubRegistry } from "./registry.ts";

const pubsub = (applicationId: string, pubSubId: string, baseTopic = "base") =>
  create(ApplicationPubSubSchema, {
    ids: { applicationIds: { applicationId }, pubSubId },
    format: "json",
    baseTopic,
    provider: {
      case: "mqtt",
      value: {
        serverUrl: "mqtt://broker.test",
        password: "secret",
        tlsClientKey: Buffer.from("k"),
      },
    },
    uplinkMessage: { topic: "up" },
  });

describeOnEachEngine("SqlPubSubRegistry", (_engine, open) => {
  it("creates, reads, lists by application and in all, changes atomically and deletes", async () => {
    const database = await open();
    try {
      const registry = new SqlPubSubRegistry(database.db);
      const key = { applicationId: "app1", pubSubId: "ps1" };
      assert.equal(await registry.get(key), undefined);
      for (const [app, id] of [
        ["app1", "ps2"],
        ["app1", "ps1"],
        ["app2", "ps1"],
      ] as const)
        await registry.update({ applicationId: app, pubSubId: id }, () => pubsub(app, id));
      const stored = await registry.get(key);
      assert.equal(stored?.provider.case, "mqtt");
      assert.equal(stored?.provider.value?.password, "secret");
      assert.deepEqual(
        (await registry.list("app1")).map((p) => p.ids?.pubSubId),
        ["ps1", "ps2"],
      );
      const all: string[] = [];
      for await (const p of registry.all())
        all.push(`${p.ids?.applicationIds?.applicationId}/${p.ids?.pubSubId}`);
      assert.deepEqual(all, ["app1/ps1", "app1/ps2", "app2/ps1"]);

      // Concurrent changes of one pub/sub each see the other's result: none is lost.
      await Promise.all(
        Array.from({ length: 10 }, () =>
          registry.update(key, (current) => {
            assert.ok(current);
            current.baseTopic += "+";
            return current;
          }),
        ),
      );
      assert.equal((await registry.get(key))?.baseTopic, `base${"+".repeat(10)}`);

      // A change that throws writes nothing.
      await assert.rejects(
        registry.update(key, () => {
          throw new Error("refused");
        }),
      );
      assert.equal((await registry.get(key))?.baseTopic, `base${"+".repeat(10)}`);

      assert.equal(await registry.update(key, () => null), undefined);
      assert.equal(await registry.get(key), undefined);
      assert.equal((await registry.list("app1")).length, 1);
    } finally {
      await database.close();
    }
  });
});

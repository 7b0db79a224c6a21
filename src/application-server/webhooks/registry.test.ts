import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import {
  type ApplicationWebhook,
  ApplicationWebhookSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { SqlWebhookRegistry } from "./registry.ts";

const webhook = (applicationId: string, webhookId: string, baseUrl = "http://x.test/") =>
  create(ApplicationWebhookSchema, {
    ids: { applicationIds: { applicationId }, webhookId },
    baseUrl,
    format: "json",
    uplinkMessage: { path: "/up" },
  });

describeOnEachEngine("SqlWebhookRegistry", (_engine, open) => {
  it("creates, reads, lists by application, changes and deletes", async () => {
    const database = await open();
    try {
      const registry = new SqlWebhookRegistry(database.db);
      assert.equal(await registry.get({ applicationId: "app1", webhookId: "wh1" }), undefined);
      for (const [app, id] of [
        ["app1", "wh2"],
        ["app1", "wh1"],
        ["app2", "wh1"],
      ] as const)
        await registry.update({ applicationId: app, webhookId: id }, () => webhook(app, id));
      assert.deepEqual(
        (await registry.list("app1")).map((stored) => stored.ids?.webhookId),
        ["wh1", "wh2"],
      );
      const changed = await registry.update({ applicationId: "app1", webhookId: "wh1" }, (c) => {
        assert.ok(c);
        c.baseUrl = "http://y.test/";
        return c;
      });
      assert.equal(changed?.baseUrl, "http://y.test/");
      const read = await registry.get({ applicationId: "app1", webhookId: "wh1" });
      assert.equal(read?.baseUrl, "http://y.test/");
      assert.equal(read?.uplinkMessage?.path, "/up");
      await registry.update({ applicationId: "app1", webhookId: "wh1" }, () => null);
      assert.equal(await registry.get({ applicationId: "app1", webhookId: "wh1" }), undefined);
      assert.equal((await registry.list("app2")).length, 1);
    } finally {
      await database.close();
    }
  });

  it("applies concurrent changes one after the other (no lost update)", async () => {
    const database = await open();
    try {
      const registry = new SqlWebhookRegistry(database.db);
      const key = { applicationId: "app1", webhookId: "wh1" };
      await registry.update(key, () => webhook("app1", "wh1"));
      const bump = (current: ApplicationWebhook | undefined) => {
        assert.ok(current);
        current.headers.n = String(Number(current.headers.n ?? "0") + 1);
        return current;
      };
      await Promise.all(Array.from({ length: 10 }, () => registry.update(key, bump)));
      assert.equal((await registry.get(key))?.headers.n, "10");
    } finally {
      await database.close();
    }
  });
});

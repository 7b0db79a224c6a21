import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { describeOnEachEngine } from "../../../test/harness/engines.ts";
import {
  ApplicationPackageAssociationSchema,
  ApplicationPackageDefaultAssociationSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import { SqlPackageRegistry } from "./registry.ts";

const association = (applicationId: string, deviceId: string, fPort: number, name: string) =>
  create(ApplicationPackageAssociationSchema, {
    ids: { endDeviceIds: { applicationIds: { applicationId }, deviceId }, fPort },
    packageName: name,
  });
const defaultAssociation = (applicationId: string, fPort: number, name: string) =>
  create(ApplicationPackageDefaultAssociationSchema, {
    ids: { applicationIds: { applicationId }, fPort },
    packageName: name,
  });

describeOnEachEngine("SqlPackageRegistry", (_engine, open) => {
  it("stores associations per device and FPort, lists them in FPort order with a total, and pages", async () => {
    const database = await open();
    try {
      const registry = new SqlPackageRegistry(database.db);
      for (const fPort of [200, 2, 10])
        await registry.updateAssociation({ applicationId: "app1", deviceId: "dev1", fPort }, () =>
          association("app1", "dev1", fPort, `pkg-${fPort}`),
        );
      await registry.updateAssociation({ applicationId: "app1", deviceId: "dev2", fPort: 1 }, () =>
        association("app1", "dev2", 1, "other"),
      );
      const device = { applicationId: "app1", deviceId: "dev1" };
      const all = await registry.listAssociations(device, { limit: 0, page: 1 });
      assert.deepEqual(
        all.items.map((item) => item.ids?.fPort),
        [2, 10, 200],
      );
      assert.equal(all.total, 3);
      const second = await registry.listAssociations(device, { limit: 2, page: 2 });
      assert.deepEqual(
        second.items.map((item) => item.ids?.fPort),
        [200],
      );
      assert.equal(second.total, 3);
      assert.equal(
        (await registry.getAssociation({ ...device, fPort: 10 }))?.packageName,
        "pkg-10",
      );
      assert.equal(await registry.getAssociation({ ...device, fPort: 11 }), undefined);

      // Concurrent changes of one association each see the other's result: none is lost.
      const key = { ...device, fPort: 2 };
      await Promise.all(
        Array.from({ length: 10 }, () =>
          registry.updateAssociation(key, (current) => {
            const next = current ?? association("app1", "dev1", 2, "x");
            next.data = { fields: {} };
            const count = Number(next.packageName.split("-").at(-1)) || 0;
            next.packageName = `pkg-${count + 1}`;
            return next;
          }),
        ),
      );
      assert.equal((await registry.getAssociation(key))?.packageName, "pkg-12");

      await registry.updateAssociation(key, () => null);
      assert.equal(await registry.getAssociation(key), undefined);
      assert.equal(await registry.deleteDevice("app1", "dev1"), 2);
      assert.equal((await registry.listAssociations(device, { limit: 0, page: 1 })).total, 0);
      assert.equal(
        (
          await registry.listAssociations(
            { applicationId: "app1", deviceId: "dev2" },
            { limit: 0, page: 1 },
          )
        ).total,
        1,
        "another device's association stays",
      );
    } finally {
      await database.close();
    }
  });

  it("stores default associations per application and FPort, and tells where a package is on", async () => {
    const database = await open();
    try {
      const registry = new SqlPackageRegistry(database.db);
      for (const [app, fPort, name] of [
        ["app1", 100, "storage-integration"],
        ["app1", 7, "other"],
        ["app2", 1, "other"],
      ] as const)
        await registry.updateDefaultAssociation({ applicationId: app, fPort }, () =>
          defaultAssociation(app, fPort, name),
        );
      await registry.updateAssociation({ applicationId: "app2", deviceId: "dev9", fPort: 3 }, () =>
        association("app2", "dev9", 3, "storage-integration"),
      );
      await registry.updateAssociation({ applicationId: "app2", deviceId: "dev8", fPort: 3 }, () =>
        association("app2", "dev8", 3, "other"),
      );
      const page = await registry.listDefaultAssociations("app1", { limit: 0, page: 1 });
      assert.deepEqual(
        page.items.map((item) => [item.ids?.fPort, item.packageName]),
        [
          [7, "other"],
          [100, "storage-integration"],
        ],
      );
      assert.equal(
        (await registry.getDefaultAssociation({ applicationId: "app1", fPort: 100 }))?.packageName,
        "storage-integration",
      );
      const app1 = await registry.activation("app1", "storage-integration");
      assert.deepEqual([app1.application, [...app1.devices]], [true, []]);
      const app2 = await registry.activation("app2", "storage-integration");
      assert.deepEqual([app2.application, [...app2.devices]], [false, ["dev9"]]);
      const app3 = await registry.activation("app3", "storage-integration");
      assert.deepEqual([app3.application, [...app3.devices]], [false, []]);

      assert.equal(await registry.deleteApplication("app2"), 3);
      const gone = await registry.activation("app2", "storage-integration");
      assert.deepEqual([gone.application, [...gone.devices]], [false, []]);
      assert.equal(
        (await registry.listDefaultAssociations("app1", { limit: 0, page: 1 })).total,
        2,
      );
    } finally {
      await database.close();
    }
  });
});

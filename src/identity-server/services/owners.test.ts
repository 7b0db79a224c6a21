import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { OrganizationIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { applicationAccess } from "./applications.ts";
import { organizationRegistry } from "./organizations.ts";
import { errLastCollaborator, errNeedsCollaborator } from "./owners.ts";
import {
  asService,
  openServiceFixture,
  rejectsWith,
  type ServiceFixture,
} from "./test-fixtures.ts";

describe("owners", () => {
  let fx: ServiceFixture;
  let adminKey: string;
  let aliceKey: string;
  let bobKey: string;
  const app = { kind: "application", id: "shared" } as const;
  const alice = { kind: "user", id: "alice" } as const;
  const bob = { kind: "user", id: "bob" } as const;

  before(async () => {
    fx = await openServiceFixture();
    await fx.user("admin", { admin: true });
    await fx.user("alice");
    await fx.user("bob");
    adminKey = await fx.key({ kind: "user", id: "admin" }, ["RIGHT_ALL"]);
    aliceKey = await fx.key(alice, ["RIGHT_ALL"]);
    bobKey = await fx.key(bob, ["RIGHT_ALL"]);
  });
  after(() => fx.close());

  it("lets only one of two owners leaving at once go", async () => {
    const access = asService(ApplicationAccess, applicationAccess(fx.services));
    for (let round = 0; round < 10; round++) {
      await fx.stores.applications.create(`shared-${round}`, {});
      const entity = { ...app, id: `shared-${round}` };
      await fx.member(alice, entity, ["RIGHT_APPLICATION_ALL"]);
      await fx.member(bob, entity, ["RIGHT_APPLICATION_ALL"]);
      const leave = (user: "alice" | "bob", key: string) =>
        access.deleteCollaborator(
          {
            applicationIds: { applicationId: entity.id },
            collaboratorIds: { ids: { case: "userIds", value: { userId: user } } },
          } as never,
          fx.handler(key),
        );
      const results = await Promise.allSettled([leave("alice", aliceKey), leave("bob", bobKey)]);
      const refused = results.filter((result) => result.status === "rejected");
      assert.equal(refused.length, 1, `round ${round}`);
      assert.ok(
        errNeedsCollaborator.application.matches((refused[0] as PromiseRejectedResult).reason),
      );
      assert.equal((await fx.stores.memberships.listMembers(entity)).total, 1);
    }
  });

  it("refuses to purge an organization that is the last owner of an application", async () => {
    const organizations = asService(OrganizationRegistry, organizationRegistry(fx.services));
    await fx.organization("acme", "alice");
    await fx.stores.applications.create("acme-app", {});
    await fx.member({ kind: "organization", id: "acme" }, { ...app, id: "acme-app" }, [
      "RIGHT_APPLICATION_ALL",
    ]);
    const purge = () =>
      organizations.purge(
        create(OrganizationIdentifiersSchema, { organizationId: "acme" }),
        fx.handler(adminKey),
      );
    await rejectsWith(purge(), errLastCollaborator.code, errLastCollaborator.name);
    assert.equal((await fx.stores.organizations.get("acme")).organizationId, "acme");
    // A second owner, and the purge goes through.
    await fx.member(bob, { ...app, id: "acme-app" }, ["RIGHT_APPLICATION_ALL"]);
    await purge();
    await rejectsWith(fx.stores.organizations.get("acme"), "not_found");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { definedEventNames, eventDefinition } from "../events/index.ts";
import { ApplicationAccess } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { Right } from "../gen/ttn/lorawan/v3/rights_pb.js";
import "./events.ts";
import { applicationAccess } from "./services/applications.ts";
import { asService, openServiceFixture } from "./services/test-fixtures.ts";

/**
 * The Identity Server's events as The Things Stack defines them (pkg/identityserver): name,
 * visibility, and the type of the data ("fields": the updated field paths).
 */
const expected: [string, string[], string?][] = [
  ...["user", "organization", "application", "gateway", "client"].flatMap((kind) => {
    const info = `RIGHT_${kind === "organization" ? "ORGANIZATION" : kind.toUpperCase()}_INFO`;
    return [
      [`${kind}.create`, [info]],
      [`${kind}.update`, [info], "google.protobuf.Value"],
      [`${kind}.delete`, [info]],
      [`${kind}.restore`, [info]],
      [`${kind}.purge`, [info]],
    ] as [string, string[], string?][];
  }),
  ["user.api-key.create", ["RIGHT_USER_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["user.api-key.update", ["RIGHT_USER_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["user.api-key.delete", ["RIGHT_USER_SETTINGS_API_KEYS"]],
  [
    "organization.api-key.create",
    ["RIGHT_ORGANIZATION_SETTINGS_API_KEYS"],
    "ttn.lorawan.v3.APIKey",
  ],
  [
    "organization.api-key.update",
    ["RIGHT_ORGANIZATION_SETTINGS_API_KEYS"],
    "ttn.lorawan.v3.APIKey",
  ],
  ["organization.api-key.delete", ["RIGHT_ORGANIZATION_SETTINGS_API_KEYS"]],
  ["application.api-key.create", ["RIGHT_APPLICATION_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["application.api-key.update", ["RIGHT_APPLICATION_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["application.api-key.delete", ["RIGHT_APPLICATION_SETTINGS_API_KEYS"]],
  ["gateway.api-key.create", ["RIGHT_GATEWAY_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["gateway.api-key.update", ["RIGHT_GATEWAY_SETTINGS_API_KEYS"], "ttn.lorawan.v3.APIKey"],
  ["gateway.api-key.delete", ["RIGHT_GATEWAY_SETTINGS_API_KEYS"]],
  [
    "organization.collaborator.update",
    ["RIGHT_ORGANIZATION_SETTINGS_MEMBERS", "RIGHT_USER_ORGANIZATIONS_LIST"],
    "ttn.lorawan.v3.Collaborator",
  ],
  [
    "organization.collaborator.delete",
    ["RIGHT_ORGANIZATION_SETTINGS_MEMBERS", "RIGHT_USER_ORGANIZATIONS_LIST"],
  ],
  [
    "application.collaborator.update",
    ["RIGHT_APPLICATION_SETTINGS_COLLABORATORS", "RIGHT_USER_APPLICATIONS_LIST"],
    "ttn.lorawan.v3.Collaborator",
  ],
  [
    "application.collaborator.delete",
    ["RIGHT_APPLICATION_SETTINGS_COLLABORATORS", "RIGHT_USER_APPLICATIONS_LIST"],
  ],
  [
    "gateway.collaborator.update",
    ["RIGHT_GATEWAY_SETTINGS_COLLABORATORS", "RIGHT_USER_GATEWAYS_LIST"],
    "ttn.lorawan.v3.Collaborator",
  ],
  [
    "gateway.collaborator.delete",
    ["RIGHT_GATEWAY_SETTINGS_COLLABORATORS", "RIGHT_USER_GATEWAYS_LIST"],
  ],
  [
    "client.collaborator.update",
    ["RIGHT_CLIENT_SETTINGS_COLLABORATORS", "RIGHT_USER_CLIENTS_LIST"],
    "ttn.lorawan.v3.Collaborator",
  ],
  [
    "client.collaborator.delete",
    ["RIGHT_CLIENT_SETTINGS_COLLABORATORS", "RIGHT_USER_CLIENTS_LIST"],
  ],
  ["end_device.create", ["RIGHT_APPLICATION_DEVICES_READ"]],
  ["end_device.update", ["RIGHT_APPLICATION_DEVICES_READ"], "google.protobuf.Value"],
  ["end_device.delete", ["RIGHT_APPLICATION_DEVICES_READ"]],
  ["application.issue_dev_eui", ["RIGHT_APPLICATION_INFO"]],
  ["oauth.token.deleted", ["RIGHT_USER_AUTHORIZED_CLIENTS"]],
  // pkg/identityserver/notification_registry.go
  ["user.notification.create", ["RIGHT_USER_NOTIFICATIONS_READ"], "ttn.lorawan.v3.Notification"],
  [
    "user.notification.update_status",
    ["RIGHT_USER_NOTIFICATIONS_READ"],
    "ttn.lorawan.v3.UpdateNotificationStatusRequest",
  ],
];

describe("Identity Server events", () => {
  it("are defined with The Things Stack's names, visibility and data types", () => {
    for (const [name, visibility, dataType] of expected) {
      const definition = eventDefinition(name);
      assert.ok(definition, `${name} is defined`);
      assert.deepEqual(definition.visibility, visibility, name);
      assert.equal(definition.dataType?.typeName, dataType, name);
    }
  });

  it("are all listed above: nothing is published that is not checked against TTS", () => {
    const ours = definedEventNames().filter((name) =>
      /^(user|organization|application|gateway|client|end_device|oauth\.token)\./.test(name),
    );
    assert.deepEqual(ours.sort(), expected.map(([name]) => name).sort());
  });
});

describe("Identity Server access events", () => {
  it("carry the API key without its secret, and the collaborator as an entity and as data", async () => {
    const fx = await openServiceFixture();
    try {
      await fx.user("alice");
      await fx.user("bob");
      await fx.stores.applications.create("app-a", {});
      await fx.member({ kind: "user", id: "alice" }, { kind: "application", id: "app-a" }, [
        "RIGHT_APPLICATION_ALL",
      ]);
      const token = await fx.key({ kind: "user", id: "alice" }, ["RIGHT_ALL"]);
      const access = asService(ApplicationAccess, applicationAccess(fx.services));
      const applicationIds = { applicationId: "app-a" };
      fx.published.length = 0;
      const created = await access.createAPIKey(
        { applicationIds, name: "ci", rights: [Right.APPLICATION_INFO] } as never,
        fx.handler(token),
      );
      await access.setCollaborator(
        {
          applicationIds,
          collaborator: {
            ids: { ids: { case: "userIds", value: { userId: "bob" } } },
            rights: [Right.APPLICATION_INFO],
          },
        } as never,
        fx.handler(token),
      );
      await access.deleteCollaborator(
        {
          applicationIds,
          collaboratorIds: { ids: { case: "userIds", value: { userId: "bob" } } },
        } as never,
        fx.handler(token),
      );
      const [keyEvent, update, removal] = fx.published;
      assert.equal(keyEvent?.name, "application.api-key.create");
      const key = keyEvent?.data as { id: string; key: string; name: string };
      assert.equal(key.id, created.id);
      assert.equal(key.name, "ci");
      assert.equal(key.key, "", "the secret is never in an event");
      assert.ok(created.key.length > 0);

      assert.equal(update?.name, "application.collaborator.update");
      const bob = { kind: "user", id: "bob" };
      assert.deepEqual(update?.identifiers, [{ kind: "application", id: "app-a" }, bob]);
      const collaborator = update?.data as { rights: Right[] };
      assert.deepEqual(collaborator.rights, [Right.APPLICATION_INFO]);
      assert.equal(removal?.name, "application.collaborator.delete");
      assert.deepEqual(removal?.identifiers, [{ kind: "application", id: "app-a" }, bob]);
      assert.equal(removal?.data, undefined);
    } finally {
      await fx.close();
    }
  });
});

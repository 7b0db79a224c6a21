/**
 * The events the Identity Server publishes, with The Things Stack's names, visibility and data:
 * entity registries (`<kind>.create|update|delete|restore|purge`, updates carrying the updated
 * field paths), API keys (`<kind>.api-key.*`, carrying the key without its secret) and
 * collaborators (`<kind>.collaborator.*`, about the entity and the collaborator, visible to
 * those who manage the entity's collaborators and to the collaborator's own entity lists).
 */

import type { RightName } from "../auth/rights/index.ts";
import { defineEvent, type EventDefinition, updatedFieldsData } from "../events/index.ts";
import {
  NotificationSchema,
  UpdateNotificationStatusRequestSchema,
} from "../gen/ttn/lorawan/v3/notification_service_pb.js";
import {
  type APIKey,
  APIKeySchema,
  type Collaborator,
  CollaboratorSchema,
} from "../gen/ttn/lorawan/v3/rights_pb.js";

/** The registry events of one kind of entity. */
export interface RegistryEvents {
  create: EventDefinition;
  update: EventDefinition<string[]>;
  delete: EventDefinition;
  restore: EventDefinition;
  purge: EventDefinition;
}

/** The API key events of one kind of entity. */
export interface ApiKeyEvents {
  create: EventDefinition<APIKey>;
  update: EventDefinition<APIKey>;
  delete: EventDefinition;
}

/** The collaborator events of one kind of entity. */
export interface CollaboratorEvents {
  update: EventDefinition<Collaborator>;
  delete: EventDefinition;
}

function registryEvents(kind: string, title: string, info: RightName): RegistryEvents {
  const define = (action: string) =>
    defineEvent(`${kind}.${action}`, { description: `${action} ${title}`, visibility: [info] });
  return {
    create: define("create"),
    update: defineEvent(`${kind}.update`, {
      description: `update ${title}`,
      visibility: [info],
      dataType: updatedFieldsData,
    }),
    delete: define("delete"),
    restore: define("restore"),
    purge: define("purge"),
  };
}

function apiKeyEvents(kind: string, title: string, manage: RightName): ApiKeyEvents {
  const define = (action: string) =>
    defineEvent(`${kind}.api-key.${action}`, {
      description: `${action} ${title} API key`,
      visibility: [manage],
      dataType: APIKeySchema,
    });
  return {
    create: define("create"),
    update: define("update"),
    delete: defineEvent(`${kind}.api-key.delete`, {
      description: `delete ${title} API key`,
      visibility: [manage],
    }),
  };
}

function collaboratorEvents(
  kind: string,
  title: string,
  visibility: readonly RightName[],
): CollaboratorEvents {
  return {
    update: defineEvent(`${kind}.collaborator.update`, {
      description: `update ${title} collaborator`,
      visibility,
      dataType: CollaboratorSchema,
    }),
    delete: defineEvent(`${kind}.collaborator.delete`, {
      description: `delete ${title} collaborator`,
      visibility,
    }),
  };
}

export const userEvents = registryEvents("user", "user", "RIGHT_USER_INFO");
export const organizationEvents = registryEvents(
  "organization",
  "organization",
  "RIGHT_ORGANIZATION_INFO",
);
export const applicationEvents = registryEvents(
  "application",
  "application",
  "RIGHT_APPLICATION_INFO",
);
export const gatewayEvents = registryEvents("gateway", "gateway", "RIGHT_GATEWAY_INFO");
export const clientEvents = registryEvents("client", "OAuth client", "RIGHT_CLIENT_INFO");

/** The registry events of every kind that has a lifecycle (delete, restore, purge). */
export const registryEventsOf = {
  user: userEvents,
  organization: organizationEvents,
  application: applicationEvents,
  gateway: gatewayEvents,
  client: clientEvents,
} as const satisfies Record<string, RegistryEvents>;

/**
 * API key and collaborator events by kind. Users have no collaborators and OAuth clients no API
 * keys in The Things Stack, so those kinds have no such events.
 */
export const accessEventsOf: Record<
  "user" | "organization" | "application" | "gateway" | "client",
  { apiKeys?: ApiKeyEvents; collaborators?: CollaboratorEvents }
> = {
  user: { apiKeys: apiKeyEvents("user", "user", "RIGHT_USER_SETTINGS_API_KEYS") },
  organization: {
    apiKeys: apiKeyEvents("organization", "organization", "RIGHT_ORGANIZATION_SETTINGS_API_KEYS"),
    collaborators: collaboratorEvents("organization", "organization", [
      "RIGHT_ORGANIZATION_SETTINGS_MEMBERS",
      "RIGHT_USER_ORGANIZATIONS_LIST",
    ]),
  },
  application: {
    apiKeys: apiKeyEvents("application", "application", "RIGHT_APPLICATION_SETTINGS_API_KEYS"),
    collaborators: collaboratorEvents("application", "application", [
      "RIGHT_APPLICATION_SETTINGS_COLLABORATORS",
      "RIGHT_USER_APPLICATIONS_LIST",
    ]),
  },
  gateway: {
    apiKeys: apiKeyEvents("gateway", "gateway", "RIGHT_GATEWAY_SETTINGS_API_KEYS"),
    collaborators: collaboratorEvents("gateway", "gateway", [
      "RIGHT_GATEWAY_SETTINGS_COLLABORATORS",
      "RIGHT_USER_GATEWAYS_LIST",
    ]),
  },
  client: {
    collaborators: collaboratorEvents("client", "OAuth client", [
      "RIGHT_CLIENT_SETTINGS_COLLABORATORS",
      "RIGHT_USER_CLIENTS_LIST",
    ]),
  },
};

const endDeviceVisibility: RightName[] = ["RIGHT_APPLICATION_DEVICES_READ"];

/** End device events: about the device (subscribers of its application see them too). */
export const endDeviceEvents = {
  create: defineEvent("end_device.create", {
    description: "create end device",
    visibility: endDeviceVisibility,
  }),
  update: defineEvent("end_device.update", {
    description: "update end device",
    visibility: endDeviceVisibility,
    dataType: updatedFieldsData,
  }),
  delete: defineEvent("end_device.delete", {
    description: "delete end device",
    visibility: endDeviceVisibility,
  }),
};

/** A DevEUI was issued to an application from the configured block. */
export const applicationIssueDevEuiEvent = defineEvent("application.issue_dev_eui", {
  description: "issue DevEUI for application",
  visibility: ["RIGHT_APPLICATION_INFO"],
});

/**
 * OAuth access tokens were revoked: one (DeleteToken) or all of an authorization (Delete),
 * about the user and the client. As The Things Stack, visible to who manages the user's
 * authorized clients.
 */
export const oauthTokenDeletedEvent = defineEvent("oauth.token.deleted", {
  description: "delete access token",
  visibility: ["RIGHT_USER_AUTHORIZED_CLIENTS"],
});

/** Notification events, about the receiving user (The Things Stack's names and visibility). */
export const notificationEvents = {
  create: defineEvent("user.notification.create", {
    description: "create notification",
    visibility: ["RIGHT_USER_NOTIFICATIONS_READ"],
    dataType: NotificationSchema,
  }),
  updateStatus: defineEvent("user.notification.update_status", {
    description: "update notification status",
    visibility: ["RIGHT_USER_NOTIFICATIONS_READ"],
    dataType: UpdateNotificationStatusRequestSchema,
  }),
};

import { create } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type Organization as OrganizationMessage,
  OrganizationSchema,
  OrganizationsSchema,
} from "../../gen/ttn/lorawan/v3/organization_pb.js";
import {
  OrganizationAccess,
  OrganizationRegistry,
} from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { organizationEvents } from "../events.ts";
import { checkIdNotReserved, validateId } from "../ids/index.ts";
import {
  type AccountRef,
  errInvalidMembership,
  type Organization,
  type OrganizationFields,
} from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import { authorize, callerOf, type ServiceContext } from "./context.ts";
import {
  accountFromIds,
  accountToIds,
  errMissingField,
  maskFields,
  toTimestamp,
} from "./convert.ts";
import { entityLifecycle } from "./lifecycle.ts";
import { listVisible } from "./listing.ts";
import { listView, present, readAccess } from "./public-read.ts";

/** API field paths of an organization and the domain fields they name. */
const fields: Record<string, keyof OrganizationFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  administrative_contact: "administrativeContact",
  technical_contact: "technicalContact",
};
/** Paths a read may name besides the fields: always returned anyway (or not stored). */
const readOnly = ["ids", "created_at", "updated_at", "deleted_at", "contact_info"];

function readMask(mask: FieldMask | undefined): (keyof OrganizationFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: mask.paths.filter((path) => !readOnly.includes(path.split(".")[0] as string)),
  } as FieldMask;
  return maskFields<OrganizationFields>(wanted, fields);
}

function toMessage(
  organization: Organization,
  mask?: (keyof OrganizationFields)[],
): OrganizationMessage {
  const show = (field: keyof OrganizationFields) => !mask || mask.includes(field);
  return create(OrganizationSchema, {
    ids: { organizationId: organization.organizationId },
    createdAt: toTimestamp(organization.createdAt),
    updatedAt: toTimestamp(organization.updatedAt),
    deletedAt: toTimestamp(organization.deletedAt),
    name: show("name") ? (organization.name ?? "") : "",
    description: show("description") ? (organization.description ?? "") : "",
    attributes: show("attributes") ? (organization.attributes ?? {}) : {},
    administrativeContact: show("administrativeContact")
      ? accountToIds(organization.administrativeContact)
      : undefined,
    technicalContact: show("technicalContact")
      ? accountToIds(organization.technicalContact)
      : undefined,
  });
}

function toFields(message: OrganizationMessage | undefined): OrganizationFields {
  const contact = (ids: OrganizationMessage["administrativeContact"], field: string) =>
    ids?.ids.case ? accountFromIds(ids, field) : undefined;
  return {
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    administrativeContact: contact(
      message?.administrativeContact,
      "organization.administrative_contact",
    ),
    technicalContact: contact(message?.technicalContact, "organization.technical_contact"),
  };
}

function organizationId(ids: { organizationId: string } | undefined): string {
  if (!ids?.organizationId)
    throw errMissingField.create({ field: "organization_ids.organization_id" });
  return ids.organizationId;
}

/** The user of a collaborator field: organizations cannot be members of organizations. */
function userAccount(
  ids: OrganizationOrUserIdentifiers | undefined,
  field: string,
  organization: string,
): AccountRef {
  const account = accountFromIds(ids, field);
  if (account.kind !== "user") {
    throw errInvalidMembership.create({
      account_kind: account.kind,
      account_id: account.id,
      entity_kind: "organization",
      entity_id: organization,
    });
  }
  return account;
}

/** The OrganizationRegistry service: create, read, list, update, delete, restore and purge. */
export function organizationRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof OrganizationRegistry>> {
  const { stores, events } = context;
  const ref = (id: string) => ({ kind: "organization" as const, id });
  const lifecycle = entityLifecycle(context, {
    kind: "organization",
    store: stores.organizations,
    deleteRight: "RIGHT_ORGANIZATION_DELETE",
    infoRight: "RIGHT_ORGANIZATION_INFO",
  });
  return {
    async create(request, handler) {
      const id = request.organization?.ids?.organizationId ?? "";
      const account = userAccount(request.collaborator, "collaborator", id || "*");
      validateId("organization", id);
      validate("organization", request.organization);
      const caller = await callerOf(context, handler);
      await requireRightsOn(caller, account, ["RIGHT_USER_ORGANIZATIONS_CREATE"], context.lookup);
      checkIdNotReserved("organization", id);
      const organization = await stores.transact(async (tx) => {
        const created = await tx.organizations.create(id, toFields(request.organization));
        // RIGHT_ALL, not RIGHT_ORGANIZATION_ALL: a member's rights in an organization bound
        // what it may do on the organization's applications and gateways.
        await tx.memberships.set(account, ref(id), ["RIGHT_ALL"]);
        return created;
      });
      events.publish(organizationEvents.create, { identifiers: [ref(id)] });
      return toMessage(organization);
    },

    async get(request, handler) {
      const id = organizationId(request.organizationIds);
      const mask = readMask(request.fieldMask);
      const { view } = await readAccess(context, handler, ref(id), request.fieldMask);
      const organization = await stores.organizations.get(id, { fieldMask: mask });
      return present("organization", OrganizationSchema, toMessage(organization, mask), view);
    },

    async list(request, handler) {
      const caller = await callerOf(context, handler);
      const mask = readMask(request.fieldMask);
      const listed = await listVisible(context, handler, caller, request, {
        kind: "organization",
        store: stores.organizations,
        idField: "organization_id",
        idOf: (organization) => organization.organizationId,
        collaborator: (ids) => userAccount(ids, "collaborator", "*"),
      });
      return create(OrganizationsSchema, {
        organizations: listed.map(({ entity, rights }) =>
          present(
            "organization",
            OrganizationSchema,
            toMessage(entity, mask),
            listView("organization", rights),
          ),
        ),
      });
    },

    async update(request, handler) {
      const id = organizationId(request.organization?.ids);
      validate("organization", request.organization, { paths: request.fieldMask?.paths ?? [] });
      await authorize(context, handler, ref(id), ["RIGHT_ORGANIZATION_SETTINGS_BASIC"]);
      const mask = maskFields<OrganizationFields>(request.fieldMask, fields);
      const organization = await stores.organizations.update(
        id,
        toFields(request.organization),
        mask,
      );
      events.publish(organizationEvents.update, {
        identifiers: [ref(id)],
        data: request.fieldMask?.paths ?? [],
      });
      return toMessage(organization);
    },

    delete: (request, handler) => lifecycle.delete(organizationId(request), handler),
    restore: (request, handler) => lifecycle.restore(organizationId(request), handler),
    purge: (request, handler) => lifecycle.purge(organizationId(request), handler),
  };
}

/** The OrganizationAccess service: rights, API keys and members of an organization. */
export function organizationAccess(
  context: ServiceContext,
): Partial<ServiceImpl<typeof OrganizationAccess>> {
  const access = entityAccess(context, "organization", {
    apiKeys: "RIGHT_ORGANIZATION_SETTINGS_API_KEYS",
    collaborators: "RIGHT_ORGANIZATION_SETTINGS_MEMBERS",
  });
  return {
    listRights: (request, handler) => access.listRights(organizationId(request), handler),
    createAPIKey: (request, handler) =>
      access.createApiKey(organizationId(request.organizationIds), request, handler),
    listAPIKeys: (request, handler) =>
      access.listApiKeys(organizationId(request.organizationIds), request, handler),
    getAPIKey: (request, handler) =>
      access.getApiKey(organizationId(request.organizationIds), request.keyId, handler),
    updateAPIKey: (request, handler) =>
      access.updateApiKey(
        organizationId(request.organizationIds),
        request.apiKey,
        request.fieldMask,
        handler,
      ),
    deleteAPIKey: async (request, handler) => {
      await access.deleteApiKey(organizationId(request.organizationIds), request.keyId, handler);
      return {};
    },
    getCollaborator: (request, handler) =>
      access.getCollaborator(
        organizationId(request.organizationIds),
        request.collaborator,
        handler,
      ),
    setCollaborator: async (request, handler) => {
      await access.setCollaborator(
        organizationId(request.organizationIds),
        request.collaborator,
        handler,
      );
      return {};
    },
    listCollaborators: (request, handler) =>
      access.listCollaborators(organizationId(request.organizationIds), request, handler),
    deleteCollaborator: async (request, handler) => {
      await access.deleteCollaborator(
        organizationId(request.organizationIds),
        request.collaboratorIds,
        handler,
      );
      return {};
    },
  };
}

/** Registers OrganizationRegistry and OrganizationAccess on the API. */
export function registerOrganizationServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(OrganizationRegistry, organizationRegistry(services));
  api.register(OrganizationAccess, organizationAccess(services));
}

/** How organizations read as API messages (field mask, conversion), for search. */
export const organizationMessages = { readMask, toMessage };

import { create } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { requireRightsOn } from "../../auth/authorize.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type Application as ApplicationMessage,
  ApplicationSchema,
  ApplicationsSchema,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import type {
  ApplicationAccess,
  ApplicationRegistry,
} from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { applicationEvents } from "../events.ts";
import { checkIdNotReserved, validateId } from "../ids/index.ts";
import type { Application, ApplicationFields } from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import { accountRights } from "./collaborators.ts";
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

const errors = errorNamespace("identity-server/applications");
export const errApplicationHasDevices = errors.failedPrecondition(
  "application_has_devices",
  "application `{application_id}` still has {count} end devices; delete them first",
);

/** API field paths of an application and the domain fields they name. */
const fields: Record<string, keyof ApplicationFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  administrative_contact: "administrativeContact",
  technical_contact: "technicalContact",
  network_server_address: "networkServerAddress",
  application_server_address: "applicationServerAddress",
  join_server_address: "joinServerAddress",
};
/** Paths a read may name besides the fields: always returned anyway. */
const readOnly = [
  "ids",
  "created_at",
  "updated_at",
  "deleted_at",
  "contact_info",
  "dev_eui_counter",
];

function readMask(mask: FieldMask | undefined): (keyof ApplicationFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: mask.paths.filter((path) => !readOnly.includes(path.split(".")[0] as string)),
  } as FieldMask;
  return maskFields<ApplicationFields>(wanted, fields);
}

function toMessage(
  application: Application,
  mask?: (keyof ApplicationFields)[],
): ApplicationMessage {
  const show = (field: keyof ApplicationFields) => !mask || mask.includes(field);
  return create(ApplicationSchema, {
    ids: { applicationId: application.applicationId },
    createdAt: toTimestamp(application.createdAt),
    updatedAt: toTimestamp(application.updatedAt),
    deletedAt: toTimestamp(application.deletedAt),
    name: show("name") ? (application.name ?? "") : "",
    description: show("description") ? (application.description ?? "") : "",
    attributes: show("attributes") ? (application.attributes ?? {}) : {},
    administrativeContact: show("administrativeContact")
      ? accountToIds(application.administrativeContact)
      : undefined,
    technicalContact: show("technicalContact")
      ? accountToIds(application.technicalContact)
      : undefined,
    networkServerAddress: show("networkServerAddress")
      ? (application.networkServerAddress ?? "")
      : "",
    applicationServerAddress: show("applicationServerAddress")
      ? (application.applicationServerAddress ?? "")
      : "",
    joinServerAddress: show("joinServerAddress") ? (application.joinServerAddress ?? "") : "",
  });
}

function toFields(message: ApplicationMessage | undefined): ApplicationFields {
  const contact = (ids: ApplicationMessage["administrativeContact"], field: string) =>
    ids?.ids.case ? accountFromIds(ids, field) : undefined;
  return {
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    administrativeContact: contact(
      message?.administrativeContact,
      "application.administrative_contact",
    ),
    technicalContact: contact(message?.technicalContact, "application.technical_contact"),
    networkServerAddress: message?.networkServerAddress || undefined,
    applicationServerAddress: message?.applicationServerAddress || undefined,
    joinServerAddress: message?.joinServerAddress || undefined,
  };
}

function applicationId(ids: { applicationId: string } | undefined): string {
  if (!ids?.applicationId)
    throw errMissingField.create({ field: "application_ids.application_id" });
  return ids.applicationId;
}

/** The ApplicationRegistry service: create, read, list, update, delete, restore and purge. */
export function applicationRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof ApplicationRegistry>> {
  const { stores, events } = context;
  const ref = (id: string) => ({ kind: "application" as const, id });
  const lifecycle = entityLifecycle(context, {
    kind: "application",
    store: stores.applications,
    deleteRight: "RIGHT_APPLICATION_DELETE",
    infoRight: "RIGHT_APPLICATION_INFO",
    beforeDelete: async (id) => {
      const devices = await stores.endDevices.list(id, { limit: 1 });
      if (devices.total > 0)
        throw errApplicationHasDevices.create({ application_id: id, count: devices.total });
    },
  });
  return {
    async create(request, handler) {
      const account = accountFromIds(request.collaborator, "collaborator");
      const id = request.application?.ids?.applicationId ?? "";
      validateId("application", id);
      validate("application", request.application);
      const caller = await callerOf(context, handler);
      await requireRightsOn(
        caller,
        account,
        [accountRights.application.create[account.kind]],
        context.lookup,
      );
      checkIdNotReserved("application", id);
      const application = await stores.transact(async (tx) => {
        const created = await tx.applications.create(id, toFields(request.application));
        await tx.memberships.set(account, ref(id), ["RIGHT_APPLICATION_ALL"]);
        return created;
      });
      events.publish(applicationEvents.create, { identifiers: [ref(id)] });
      return toMessage(application);
    },

    async get(request, handler) {
      const id = applicationId(request.applicationIds);
      const mask = readMask(request.fieldMask);
      const { view } = await readAccess(context, handler, ref(id), request.fieldMask);
      const application = await stores.applications.get(id, { fieldMask: mask });
      return present("application", ApplicationSchema, toMessage(application, mask), view);
    },

    async list(request, handler) {
      const caller = await callerOf(context, handler);
      const mask = readMask(request.fieldMask);
      const listed = await listVisible(context, handler, caller, request, {
        kind: "application",
        store: stores.applications,
        idField: "application_id",
        idOf: (application) => application.applicationId,
      });
      return create(ApplicationsSchema, {
        applications: listed.map(({ entity, rights }) =>
          present(
            "application",
            ApplicationSchema,
            toMessage(entity, mask),
            listView("application", rights),
          ),
        ),
      });
    },

    async update(request, handler) {
      const id = applicationId(request.application?.ids);
      validate("application", request.application, { paths: request.fieldMask?.paths ?? [] });
      await authorize(context, handler, ref(id), ["RIGHT_APPLICATION_SETTINGS_BASIC"]);
      const mask = maskFields<ApplicationFields>(request.fieldMask, fields);
      const application = await stores.applications.update(id, toFields(request.application), mask);
      events.publish(applicationEvents.update, {
        identifiers: [ref(id)],
        data: request.fieldMask?.paths ?? [],
      });
      return toMessage(application);
    },

    delete: (request, handler) => lifecycle.delete(applicationId(request), handler),
    restore: (request, handler) => lifecycle.restore(applicationId(request), handler),
    purge: (request, handler) => lifecycle.purge(applicationId(request), handler),
  };
}

/** The ApplicationAccess service: rights, API keys and collaborators of an application. */
export function applicationAccess(
  context: ServiceContext,
): Partial<ServiceImpl<typeof ApplicationAccess>> {
  const access = entityAccess(context, "application", {
    apiKeys: "RIGHT_APPLICATION_SETTINGS_API_KEYS",
    collaborators: "RIGHT_APPLICATION_SETTINGS_COLLABORATORS",
  });
  return {
    listRights: (request, handler) => access.listRights(applicationId(request), handler),
    createAPIKey: (request, handler) =>
      access.createApiKey(applicationId(request.applicationIds), request, handler),
    listAPIKeys: (request, handler) =>
      access.listApiKeys(applicationId(request.applicationIds), request, handler),
    getAPIKey: (request, handler) =>
      access.getApiKey(applicationId(request.applicationIds), request.keyId, handler),
    updateAPIKey: (request, handler) =>
      access.updateApiKey(
        applicationId(request.applicationIds),
        request.apiKey,
        request.fieldMask,
        handler,
      ),
    deleteAPIKey: async (request, handler) => {
      await access.deleteApiKey(applicationId(request.applicationIds), request.keyId, handler);
      return {};
    },
    getCollaborator: (request, handler) =>
      access.getCollaborator(applicationId(request.applicationIds), request.collaborator, handler),
    setCollaborator: async (request, handler) => {
      await access.setCollaborator(
        applicationId(request.applicationIds),
        request.collaborator,
        handler,
      );
      return {};
    },
    listCollaborators: (request, handler) =>
      access.listCollaborators(applicationId(request.applicationIds), request, handler),
    deleteCollaborator: async (request, handler) => {
      await access.deleteCollaborator(
        applicationId(request.applicationIds),
        request.collaboratorIds,
        handler,
      );
      return {};
    },
  };
}

/** How applications read as API messages (field mask, conversion), for search. */
export const applicationMessages = { readMask, toMessage };

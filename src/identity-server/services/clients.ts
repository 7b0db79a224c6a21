import { create } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { generateApiKey } from "../../auth/api-keys/index.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type Client as ClientMessage,
  ClientSchema,
  ClientsSchema,
  GrantTypeSchema,
} from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { ClientIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { clientEvents } from "../events.ts";
import { checkIdNotReserved, validateId } from "../ids/index.ts";
import { hashPassword } from "../passwords/index.ts";
import type { Client, ClientFields } from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import { accountRights } from "./collaborators.ts";
import { authorize, callerOf, isAdmin, type ServiceContext } from "./context.ts";
import {
  accountFromIds,
  accountToIds,
  errMissingField,
  maskFields,
  rightNames,
  rightNumbers,
  toTimestamp,
} from "./convert.ts";
import { enumName, enumNumber } from "./gateways.ts";
import { entityLifecycle } from "./lifecycle.ts";
import { listVisible } from "./listing.ts";
import { listView, present, readAccess } from "./public-read.ts";

const errors = errorNamespace("identity-server/clients");
export const errAdminOnlyField = errors.permissionDenied(
  "admin_only_field",
  "only admins may set `{field}` of a client",
);
export const errInvalidRedirectUri = errors.invalidArgument(
  "invalid_redirect_uri",
  "`{field}` `{value}` is not an absolute URI",
);

/** API field paths of a client and the domain fields they name (the secret is handled apart). */
const fields: Record<string, keyof ClientFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  administrative_contact: "administrativeContact",
  technical_contact: "technicalContact",
  secret: "secret",
  redirect_uris: "redirectUris",
  logout_redirect_uris: "logoutRedirectUris",
  state: "state",
  state_description: "stateDescription",
  skip_authorization: "skipAuthorization",
  endorsed: "endorsed",
  grants: "grants",
  rights: "rights",
};
/** Fields only admins may set, as in The Things Stack. */
const adminOnly: Record<string, keyof ClientFields> = {
  state: "state",
  state_description: "stateDescription",
  skip_authorization: "skipAuthorization",
  endorsed: "endorsed",
};
/** Paths a read may name besides the fields: always returned, or not kept. */
const readOnly = ["ids", "created_at", "updated_at", "deleted_at", "contact_info"];

function readMask(mask: FieldMask | undefined): (keyof ClientFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: mask.paths.filter((path) => !readOnly.includes(path.split(".")[0] as string)),
  } as FieldMask;
  return maskFields<ClientFields>(wanted, fields);
}

/** The client as the API shows it: never the stored secret hash. */
function toMessage(client: Client, mask?: (keyof ClientFields)[], secret = ""): ClientMessage {
  const show = (field: keyof ClientFields) => !mask || mask.includes(field);
  return create(ClientSchema, {
    ids: { clientId: client.clientId },
    createdAt: toTimestamp(client.createdAt),
    updatedAt: toTimestamp(client.updatedAt),
    deletedAt: toTimestamp(client.deletedAt),
    name: show("name") ? (client.name ?? "") : "",
    description: show("description") ? (client.description ?? "") : "",
    attributes: show("attributes") ? (client.attributes ?? {}) : {},
    administrativeContact: show("administrativeContact")
      ? accountToIds(client.administrativeContact)
      : undefined,
    technicalContact: show("technicalContact") ? accountToIds(client.technicalContact) : undefined,
    secret,
    redirectUris: show("redirectUris") ? (client.redirectUris ?? []) : [],
    logoutRedirectUris: show("logoutRedirectUris") ? (client.logoutRedirectUris ?? []) : [],
    state: show("state") ? enumNumber(StateSchema, client.state) : 0,
    stateDescription: show("stateDescription") ? (client.stateDescription ?? "") : "",
    skipAuthorization: show("skipAuthorization") ? (client.skipAuthorization ?? false) : false,
    endorsed: show("endorsed") ? (client.endorsed ?? false) : false,
    grants: show("grants")
      ? (client.grants ?? []).map((grant) => enumNumber(GrantTypeSchema, grant))
      : [],
    rights: show("rights") ? rightNumbers(client.rights ?? []) : [],
  });
}

function validateUris(uris: readonly string[], field: string): void {
  uris.forEach((uri, index) => {
    if (!URL.canParse(uri))
      throw errInvalidRedirectUri.create({ field: `${field}[${index}]`, value: uri });
  });
}

/** Domain fields from the message; the secret is left out (hashed by the caller). */
function toFields(message: ClientMessage | undefined): ClientFields {
  const contact = (ids: ClientMessage["administrativeContact"], field: string) =>
    ids?.ids.case ? accountFromIds(ids, field) : undefined;
  validateUris(message?.redirectUris ?? [], "client.redirect_uris");
  validateUris(message?.logoutRedirectUris ?? [], "client.logout_redirect_uris");
  const grants = (message?.grants ?? []).map((grant, index) =>
    enumName(GrantTypeSchema, grant, `client.grants[${index}]`),
  );
  const rights = rightNames(message?.rights ?? []);
  return {
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    administrativeContact: contact(message?.administrativeContact, "client.administrative_contact"),
    technicalContact: contact(message?.technicalContact, "client.technical_contact"),
    redirectUris: message?.redirectUris.length ? [...message.redirectUris] : undefined,
    logoutRedirectUris: message?.logoutRedirectUris.length
      ? [...message.logoutRedirectUris]
      : undefined,
    state: enumName(StateSchema, message?.state ?? 0, "client.state"),
    stateDescription: message?.stateDescription || undefined,
    skipAuthorization: message?.skipAuthorization || undefined,
    endorsed: message?.endorsed || undefined,
    grants: grants.length > 0 ? [...new Set(grants)] : undefined,
    rights: rights.length > 0 ? rights : undefined,
  };
}

function clientId(ids: { clientId: string } | undefined): string {
  if (!ids?.clientId) throw errMissingField.create({ field: "client_ids.client_id" });
  return ids.clientId;
}

const ref = (id: string) => ({ kind: "client" as const, id });

/** A new client secret: 256 random bits, as long as an API key secret. */
function generateSecret(): string {
  return generateApiKey().secret;
}

/** The ClientRegistry service: OAuth clients, their create, read, list, update and delete. */
export function clientRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof ClientRegistry>> {
  const { stores, events } = context;
  const lifecycle = entityLifecycle(context, {
    kind: "client",
    store: stores.clients,
    deleteRight: "RIGHT_CLIENT_DELETE",
    infoRight: "RIGHT_CLIENT_INFO",
  });
  return {
    async create(request, handler) {
      const account = accountFromIds(request.collaborator, "collaborator");
      const id = request.client?.ids?.clientId ?? "";
      validateId("client", id);
      validate("client", request.client);
      const values = toFields(request.client);
      const caller = await callerOf(context, handler);
      await requireRightsOn(
        caller,
        account,
        [accountRights.client.create[account.kind]],
        context.lookup,
      );
      checkIdNotReserved("client", id);
      if (!(await isAdmin(context, caller))) {
        // As in The Things Stack: a client of a non-admin waits for an admin's approval.
        values.state = "STATE_REQUESTED";
        values.stateDescription = undefined;
        values.skipAuthorization = undefined;
        values.endorsed = undefined;
      }
      // The secret is stored hashed and shown only in this response.
      const secret = request.client?.secret || generateSecret();
      // Secrets may be chosen by people: hashed as passwords are.
      values.secret = await hashPassword(secret);
      const client = await stores.transact(async (tx) => {
        const created = await tx.clients.create(id, values);
        await tx.memberships.set(account, ref(id), ["RIGHT_CLIENT_ALL"]);
        return created;
      });
      events.publish(clientEvents.create, { identifiers: [ref(id)] });
      return toMessage(client, undefined, secret);
    },

    async get(request, handler) {
      const id = clientId(request.clientIds);
      const mask = readMask(request.fieldMask);
      const { view } = await readAccess(context, handler, ref(id), request.fieldMask);
      const client = await stores.clients.get(id, { fieldMask: mask });
      return present("client", ClientSchema, toMessage(client, mask), view);
    },

    async list(request, handler) {
      const caller = await callerOf(context, handler);
      const mask = readMask(request.fieldMask);
      const listed = await listVisible(context, handler, caller, request, {
        kind: "client",
        store: stores.clients,
        idField: "client_id",
        idOf: (client) => client.clientId,
      });
      return create(ClientsSchema, {
        clients: listed.map(({ entity, rights }) =>
          present("client", ClientSchema, toMessage(entity, mask), listView("client", rights)),
        ),
      });
    },

    async update(request, handler) {
      const id = clientId(request.client?.ids);
      validate("client", request.client, { paths: request.fieldMask?.paths ?? [] });
      const { caller } = await authorize(context, handler, ref(id), [
        "RIGHT_CLIENT_SETTINGS_BASIC",
      ]);
      const paths = request.fieldMask?.paths ?? [];
      const mask = maskFields<ClientFields>(request.fieldMask, fields);
      const restricted = paths.find((path) => (path.split(".")[0] ?? "") in adminOnly);
      if (restricted && !(await isAdmin(context, caller)))
        throw errAdminOnlyField.create({ field: restricted });
      const values = toFields(request.client);
      if (mask.includes("secret")) {
        if (!request.client?.secret) throw errMissingField.create({ field: "client.secret" });
        values.secret = await hashPassword(request.client.secret);
      }
      const client = await stores.clients.update(id, values, mask);
      events.publish(clientEvents.update, { identifiers: [ref(id)], data: paths });
      return toMessage(client);
    },

    delete: (request, handler) => lifecycle.delete(clientId(request), handler),
    restore: (request, handler) => lifecycle.restore(clientId(request), handler),
    purge: (request, handler) => lifecycle.purge(clientId(request), handler),
  };
}

/** The ClientAccess service: rights and collaborators of a client (clients have no API keys). */
export function clientAccess(context: ServiceContext): Partial<ServiceImpl<typeof ClientAccess>> {
  const access = entityAccess(context, "client", {
    // Not used: ClientAccess has no API key methods.
    apiKeys: "RIGHT_CLIENT_ALL",
    collaborators: "RIGHT_CLIENT_SETTINGS_COLLABORATORS",
  });
  const idOf = (ids: ClientIdentifiers | undefined) => clientId(ids);
  return {
    listRights: (request, handler) => access.listRights(idOf(request), handler),
    getCollaborator: (request, handler) =>
      access.getCollaborator(idOf(request.clientIds), request.collaborator, handler),
    setCollaborator: async (request, handler) => {
      await access.setCollaborator(idOf(request.clientIds), request.collaborator, handler);
      return {};
    },
    listCollaborators: (request, handler) =>
      access.listCollaborators(idOf(request.clientIds), request, handler),
    deleteCollaborator: async (request, handler) => {
      await access.deleteCollaborator(idOf(request.clientIds), request.collaboratorIds, handler);
      return {};
    },
  };
}

/** Serves the ClientRegistry and ClientAccess services on the API. */
export function registerClientServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(ClientRegistry, clientRegistry(services));
  api.register(ClientAccess, clientAccess(services));
}

/** How OAuth clients read as API messages (field mask, conversion), for search. */
export const clientMessages = { readMask, toMessage };

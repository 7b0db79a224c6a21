/**
 * The `EntityRegistrySearch` service: search applications, gateways, organizations, users and
 * OAuth clients by case-insensitive substrings of their ID, name, description and attribute
 * values (`query` matches any of ID, name and description, and for gateways the EUI), then
 * `field_mask`, `order`, `limit`, `page` (total in `x-total-count`) and `deleted`.
 *
 * Admins search everything; other callers only the entities they are members of (directly or,
 * for a user, through its organizations; an entity's own API key finds that entity) and on
 * which the caller holds the entity's `..._INFO` right. `deleted` and user search are for
 * admins only. `SearchAccounts` finds users and organizations, e.g. to add as collaborators.
 *
 * The filtering runs here over the store's list, not in SQL: fine for the registries of a
 * small or medium deployment, to move into the store (SQL `LIKE`) for large ones.
 */
import { create, type DescEnum, type MessageInitShape } from "@bufbuild/protobuf";
import { type FieldMask, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireActiveAccount } from "../../auth/authorize.ts";
import type { Caller } from "../../auth/caller.ts";
import { errNoRights } from "../../auth/errors.ts";
import { isRightName, type RightName } from "../../auth/rights/index.ts";
import {
  type ApplicationSchema,
  ApplicationsSchema,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import {
  type ClientSchema,
  ClientsSchema,
  GrantTypeSchema,
} from "../../gen/ttn/lorawan/v3/client_pb.js";
import { DownlinkPathConstraintSchema, StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  GatewayAntennaPlacementSchema,
  type GatewaySchema,
  GatewaysSchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { LocationSourceSchema } from "../../gen/ttn/lorawan/v3/metadata_pb.js";
import {
  type OrganizationSchema,
  OrganizationsSchema,
} from "../../gen/ttn/lorawan/v3/organization_pb.js";
import {
  EntityRegistrySearch,
  SearchAccountsResponseSchema,
} from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { type UserSchema, UsersSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type {
  AccountRef,
  Application,
  Client,
  CommonFields,
  Gateway,
  ListOptions,
  Location,
  MemberEntityKind,
  Organization,
  Page,
  User,
} from "../store/index.ts";
import { asAccount, memberEntityIds } from "./collaborators.ts";
import { callerOf, callerRightsOn, isAdmin, type ServiceContext } from "./context.ts";
import { accountToIds, maskFields, rightNumbers, toTimestamp } from "./convert.ts";
import { parseOrder } from "./order.ts";

/** The filters every entity search request has. */
interface SearchRequest {
  query: string;
  idContains: string;
  nameContains: string;
  descriptionContains: string;
  attributesContain: { [key: string]: string };
  fieldMask?: FieldMask | undefined;
  order: string;
  limit: number;
  page: number;
  deleted: boolean;
}

/** What differs between the searchable kinds of entity. */
interface SearchKind<E extends CommonFields & { deletedAt?: Date }> {
  kind: MemberEntityKind | "user";
  /** The right a non-admin needs on an entity to find it. */
  infoRight: RightName;
  /** The ID field's name in `order` (`application_id`). */
  idField: string;
  list(context: ServiceContext, options: ListOptions): Promise<Page<E>>;
  id(entity: E): string;
  /** More text that `query` matches (a gateway's EUI). */
  queryText?(entity: E): (string | undefined)[];
  /** API field paths a mask may name and the domain fields they select. */
  fields: Record<string, string>;
  /** Paths a mask may name that select nothing here (always returned, or never). */
  ignored: readonly string[];
}

const common = { name: "name", description: "description", attributes: "attributes" };
const contacts = {
  administrative_contact: "administrativeContact",
  technical_contact: "technicalContact",
};
const alwaysShown = ["ids", "created_at", "updated_at", "deleted_at", "contact_info"];

const applications: SearchKind<Application> = {
  kind: "application",
  infoRight: "RIGHT_APPLICATION_INFO",
  idField: "application_id",
  list: (context, options) => context.stores.applications.list(options),
  id: (application) => application.applicationId,
  fields: {
    ...common,
    ...contacts,
    network_server_address: "networkServerAddress",
    application_server_address: "applicationServerAddress",
    join_server_address: "joinServerAddress",
  },
  ignored: [...alwaysShown, "dev_eui_counter"],
};

const gateways: SearchKind<Gateway> = {
  kind: "gateway",
  infoRight: "RIGHT_GATEWAY_INFO",
  idField: "gateway_id",
  list: (context, options) => context.stores.gateways.list(options),
  id: (gateway) => gateway.gatewayId,
  queryText: (gateway) => [gateway.gatewayEui],
  fields: {
    ...common,
    ...contacts,
    version_ids: "versionIds",
    gateway_server_address: "gatewayServerAddress",
    auto_update: "autoUpdate",
    update_channel: "updateChannel",
    frequency_plan_id: "frequencyPlanId",
    frequency_plan_ids: "frequencyPlanIds",
    antennas: "antennas",
    status_public: "statusPublic",
    location_public: "locationPublic",
    schedule_downlink_late: "scheduleDownlinkLate",
    enforce_duty_cycle: "enforceDutyCycle",
    downlink_path_constraint: "downlinkPathConstraint",
    schedule_anytime_delay: "scheduleAnytimeDelayMs",
    update_location_from_status: "updateLocationFromStatus",
    require_authenticated_connection: "requireAuthenticatedConnection",
    disable_packet_broker_forwarding: "disablePacketBrokerForwarding",
  },
  ignored: [
    ...alwaysShown,
    "lbs_lns_secret",
    "claim_authentication_code",
    "target_cups_uri",
    "target_cups_key",
    "lrfhss",
  ],
};

const organizations: SearchKind<Organization> = {
  kind: "organization",
  infoRight: "RIGHT_ORGANIZATION_INFO",
  idField: "organization_id",
  list: (context, options) => context.stores.organizations.list(options),
  id: (organization) => organization.organizationId,
  fields: { ...common, ...contacts },
  ignored: alwaysShown,
};

const users: SearchKind<User> = {
  kind: "user",
  infoRight: "RIGHT_USER_INFO",
  idField: "user_id",
  list: (context, options) => context.stores.users.list(options),
  id: (user) => user.userId,
  fields: {
    ...common,
    primary_email_address: "primaryEmailAddress",
    primary_email_address_validated_at: "primaryEmailAddressValidatedAt",
    password_updated_at: "passwordUpdatedAt",
    require_password_update: "requirePasswordUpdate",
    state: "state",
    state_description: "stateDescription",
    admin: "admin",
  },
  // Password hashes and temporary passwords are never returned.
  ignored: [
    ...alwaysShown,
    "password",
    "temporary_password",
    "temporary_password_created_at",
    "temporary_password_expires_at",
    "profile_picture",
    "console_preferences",
  ],
};

const clients: SearchKind<Client> = {
  kind: "client",
  infoRight: "RIGHT_CLIENT_INFO",
  idField: "client_id",
  list: (context, options) => context.stores.clients.list(options),
  id: (client) => client.clientId,
  fields: {
    ...common,
    ...contacts,
    redirect_uris: "redirectUris",
    logout_redirect_uris: "logoutRedirectUris",
    state: "state",
    state_description: "stateDescription",
    skip_authorization: "skipAuthorization",
    endorsed: "endorsed",
    grants: "grants",
    rights: "rights",
  },
  // The secret (a hash) is never returned.
  ignored: [...alwaysShown, "secret"],
};

/**
 * Runs a search: who may find what, the filters, the order and the page. Sets
 * `x-total-count` to the number of matches; returns the page and the fields to show.
 */
async function search<E extends CommonFields & { deletedAt?: Date }>(
  context: ServiceContext,
  spec: SearchKind<E>,
  request: SearchRequest,
  handler: HandlerContext,
  extra: (entity: E) => boolean = () => true,
): Promise<{ items: E[]; show: (field: string) => boolean }> {
  const caller = await callerOf(context, handler);
  await requireActiveAccount(caller, context.lookup);
  const admin = await isAdmin(context, caller);
  const show = readMask(spec, request.fieldMask);
  if (!admin && (spec.kind === "user" || request.deleted)) {
    throw errNoRights.create({
      entity_kind: request.deleted ? `deleted ${spec.kind}s` : `${spec.kind}s`,
      entity_id: "*",
    });
  }
  const ids = admin ? undefined : await findableIds(context, caller, spec);
  const all = await spec.list(context, {
    ids,
    order: parseOrder(request.order, spec.idField),
    includeDeleted: request.deleted,
  });
  const matches = filter(spec, request);
  const found = all.items.filter(
    (entity) => (!request.deleted || entity.deletedAt) && matches(entity) && extra(entity),
  );
  handler.responseHeader.set("x-total-count", String(found.length));
  const { limit, page } = requestedPage(request);
  return { items: found.slice((page - 1) * limit, page * limit), show };
}

/** The IDs a non-admin may find: entities it is a member of and holds the info right on. */
async function findableIds<E extends CommonFields & { deletedAt?: Date }>(
  context: ServiceContext,
  caller: Caller,
  spec: SearchKind<E>,
): Promise<string[]> {
  if (spec.kind === "user") return [];
  const owner =
    caller.kind === "user" ? { kind: "user" as const, id: caller.userId } : caller.owner;
  const account = asAccount(owner);
  const candidates = new Set(account ? await memberEntityIds(context, account, spec.kind) : []);
  if (owner.kind === spec.kind) candidates.add(owner.id);
  const ids: string[] = [];
  for (const id of candidates) {
    const held = await callerRightsOn(context, caller, { kind: spec.kind, id });
    if (held.has(spec.infoRight)) ids.push(id);
  }
  return ids;
}

function filter<E extends CommonFields>(
  spec: SearchKind<E>,
  request: SearchRequest,
): (entity: E) => boolean {
  const lower = (text: string) => text.toLowerCase();
  const contains = (text: string | undefined, part: string) =>
    lower(text ?? "").includes(lower(part));
  const attributes = Object.entries(request.attributesContain);
  return (entity) => {
    const id = spec.id(entity);
    if (request.idContains && !contains(id, request.idContains)) return false;
    if (request.nameContains && !contains(entity.name, request.nameContains)) return false;
    if (request.descriptionContains && !contains(entity.description, request.descriptionContains))
      return false;
    for (const [key, part] of attributes) {
      const value = entity.attributes?.[key];
      if (value === undefined || !contains(value, part)) return false;
    }
    if (request.query) {
      const texts = [id, entity.name, entity.description, ...(spec.queryText?.(entity) ?? [])];
      if (!texts.some((text) => contains(text, request.query))) return false;
    }
    return true;
  };
}

/** Which fields a read mask selects; no mask selects every field. */
function readMask<E extends CommonFields & { deletedAt?: Date }>(
  spec: SearchKind<E>,
  mask: FieldMask | undefined,
): (field: string) => boolean {
  if (!mask || mask.paths.length === 0) return () => true;
  const paths = mask.paths.filter((path) => !spec.ignored.includes(path.split(".")[0] as string));
  const selected = new Set<string>(
    maskFields<Record<string, unknown>>({ paths } as FieldMask, spec.fields),
  );
  return (field) => selected.has(field);
}

/** The number of an enum value by its name (the stores keep names); unknown: 0. */
function enumNumber(desc: DescEnum, name: string | undefined): number {
  return desc.values.find((value) => value.name === name)?.number ?? 0;
}

function hexBytes(hex: string | undefined): Uint8Array {
  return hex ? new Uint8Array(Buffer.from(hex, "hex")) : new Uint8Array();
}

function locationMessage(location: Location | undefined) {
  if (!location) return undefined;
  return {
    latitude: location.latitude,
    longitude: location.longitude,
    altitude: location.altitude ?? 0,
    accuracy: location.accuracy ?? 0,
    source: enumNumber(LocationSourceSchema, location.source),
  };
}

type Show = (field: string) => boolean;

function commonMessage(
  entity: CommonFields & { deletedAt?: Date; createdAt: Date; updatedAt: Date },
  show: Show,
) {
  return {
    createdAt: toTimestamp(entity.createdAt),
    updatedAt: toTimestamp(entity.updatedAt),
    deletedAt: toTimestamp(entity.deletedAt),
    name: show("name") ? (entity.name ?? "") : "",
    description: show("description") ? (entity.description ?? "") : "",
    attributes: show("attributes") ? (entity.attributes ?? {}) : {},
  };
}

function contactMessage(
  entity: { administrativeContact?: AccountRef; technicalContact?: AccountRef },
  show: Show,
) {
  return {
    administrativeContact: show("administrativeContact")
      ? accountToIds(entity.administrativeContact)
      : undefined,
    technicalContact: show("technicalContact") ? accountToIds(entity.technicalContact) : undefined,
  };
}

function applicationMessage(
  application: Application,
  show: Show,
): MessageInitShape<typeof ApplicationSchema> {
  return {
    ids: { applicationId: application.applicationId },
    ...commonMessage(application, show),
    ...contactMessage(application, show),
    networkServerAddress: show("networkServerAddress")
      ? (application.networkServerAddress ?? "")
      : "",
    applicationServerAddress: show("applicationServerAddress")
      ? (application.applicationServerAddress ?? "")
      : "",
    joinServerAddress: show("joinServerAddress") ? (application.joinServerAddress ?? "") : "",
  };
}

function gatewayMessage(gateway: Gateway, show: Show): MessageInitShape<typeof GatewaySchema> {
  const flag = (field: keyof Gateway) => show(field) && gateway[field] === true;
  const text = (field: keyof Gateway) => (show(field) ? String(gateway[field] ?? "") : "");
  const delay = gateway.scheduleAnytimeDelayMs;
  return {
    ids: { gatewayId: gateway.gatewayId, eui: hexBytes(gateway.gatewayEui) },
    ...commonMessage(gateway, show),
    ...contactMessage(gateway, show),
    versionIds: show("versionIds") && gateway.versionIds ? { ...gateway.versionIds } : undefined,
    gatewayServerAddress: text("gatewayServerAddress"),
    autoUpdate: flag("autoUpdate"),
    updateChannel: text("updateChannel"),
    frequencyPlanId: text("frequencyPlanId"),
    frequencyPlanIds: show("frequencyPlanIds") ? [...(gateway.frequencyPlanIds ?? [])] : [],
    antennas: show("antennas")
      ? (gateway.antennas ?? []).map((antenna) => ({
          gain: antenna.gain ?? 0,
          location: locationMessage(antenna.location),
          attributes: antenna.attributes ?? {},
          placement: enumNumber(GatewayAntennaPlacementSchema, antenna.placement),
        }))
      : [],
    statusPublic: flag("statusPublic"),
    locationPublic: flag("locationPublic"),
    scheduleDownlinkLate: flag("scheduleDownlinkLate"),
    enforceDutyCycle: flag("enforceDutyCycle"),
    downlinkPathConstraint: show("downlinkPathConstraint")
      ? enumNumber(DownlinkPathConstraintSchema, gateway.downlinkPathConstraint)
      : 0,
    scheduleAnytimeDelay:
      show("scheduleAnytimeDelayMs") && delay !== undefined
        ? {
            seconds: BigInt(Math.floor(delay / 1000)),
            nanos: Math.round((delay % 1000) * 1e6),
          }
        : undefined,
    updateLocationFromStatus: flag("updateLocationFromStatus"),
    requireAuthenticatedConnection: flag("requireAuthenticatedConnection"),
    disablePacketBrokerForwarding: flag("disablePacketBrokerForwarding"),
  };
}

function organizationMessage(
  organization: Organization,
  show: Show,
): MessageInitShape<typeof OrganizationSchema> {
  return {
    ids: { organizationId: organization.organizationId },
    ...commonMessage(organization, show),
    ...contactMessage(organization, show),
  };
}

function userMessage(user: User, show: Show): MessageInitShape<typeof UserSchema> {
  const date = (field: "primaryEmailAddressValidatedAt" | "passwordUpdatedAt") =>
    show(field) && user[field] ? timestampFromDate(user[field]) : undefined;
  return {
    ids: { userId: user.userId },
    ...commonMessage(user, show),
    primaryEmailAddress: show("primaryEmailAddress") ? (user.primaryEmailAddress ?? "") : "",
    primaryEmailAddressValidatedAt: date("primaryEmailAddressValidatedAt"),
    passwordUpdatedAt: date("passwordUpdatedAt"),
    requirePasswordUpdate: show("requirePasswordUpdate") && user.requirePasswordUpdate === true,
    state: show("state") ? enumNumber(StateSchema, user.state) : 0,
    stateDescription: show("stateDescription") ? (user.stateDescription ?? "") : "",
    admin: show("admin") && user.admin === true,
  };
}

function clientMessage(client: Client, show: Show): MessageInitShape<typeof ClientSchema> {
  return {
    ids: { clientId: client.clientId },
    ...commonMessage(client, show),
    ...contactMessage(client, show),
    redirectUris: show("redirectUris") ? [...(client.redirectUris ?? [])] : [],
    logoutRedirectUris: show("logoutRedirectUris") ? [...(client.logoutRedirectUris ?? [])] : [],
    state: show("state") ? enumNumber(StateSchema, client.state) : 0,
    stateDescription: show("stateDescription") ? (client.stateDescription ?? "") : "",
    skipAuthorization: show("skipAuthorization") && client.skipAuthorization === true,
    endorsed: show("endorsed") && client.endorsed === true,
    grants: show("grants")
      ? (client.grants ?? []).map((grant) => enumNumber(GrantTypeSchema, grant))
      : [],
    rights: show("rights") ? rightNumbers((client.rights ?? []).filter(isRightName)) : [],
  };
}

/** A filter on `state` (users and clients): any of the states; none: every state. */
function stateFilter(states: readonly number[]) {
  return (entity: { state?: string }) =>
    states.length === 0 || states.includes(enumNumber(StateSchema, entity.state));
}

/** At most this many accounts answer a `SearchAccounts`. */
const maxAccounts = 100;

/** The `EntityRegistrySearch` service implementation. */
export function entityRegistrySearch(
  context: ServiceContext,
): Partial<ServiceImpl<typeof EntityRegistrySearch>> {
  return {
    async searchApplications(request, handler) {
      const { items, show } = await search(context, applications, request, handler);
      return create(ApplicationsSchema, {
        applications: items.map((item) => applicationMessage(item, show)),
      });
    },

    async searchGateways(request, handler) {
      const eui = request.euiContains.toUpperCase();
      const { items, show } = await search(context, gateways, request, handler, (gateway) =>
        (gateway.gatewayEui ?? "").toUpperCase().includes(eui),
      );
      return create(GatewaysSchema, { gateways: items.map((item) => gatewayMessage(item, show)) });
    },

    async searchOrganizations(request, handler) {
      const { items, show } = await search(context, organizations, request, handler);
      return create(OrganizationsSchema, {
        organizations: items.map((item) => organizationMessage(item, show)),
      });
    },

    async searchUsers(request, handler) {
      const { items, show } = await search(
        context,
        users,
        request,
        handler,
        stateFilter(request.state),
      );
      return create(UsersSchema, { users: items.map((item) => userMessage(item, show)) });
    },

    async searchClients(request, handler) {
      const { items, show } = await search(
        context,
        clients,
        request,
        handler,
        stateFilter(request.state),
      );
      return create(ClientsSchema, { clients: items.map((item) => clientMessage(item, show)) });
    },

    async searchAccounts(request, handler) {
      const caller = await callerOf(context, handler);
      await requireActiveAccount(caller, context.lookup);
      let members: Set<string> | undefined;
      const of = request.collaboratorOf;
      if (of.case !== undefined) {
        const kind = collaboratorKinds[of.case];
        const id = collaboratorId(of);
        const held = await callerRightsOn(context, caller, { kind, id });
        if (!held.has(collaboratorRights[kind]))
          throw errNoRights.create({ entity_kind: kind, entity_id: id });
        const memberships = await context.stores.memberships.listMembers({ kind, id });
        members = new Set(memberships.items.map((m) => `${m.account.kind}:${m.account.id}`));
      }
      const query = request.query.toLowerCase();
      const found: AccountRef[] = [];
      const consider = (account: AccountRef, name: string | undefined) => {
        const text = `${account.id}\n${name ?? ""}`.toLowerCase();
        if (query && !text.includes(query)) return;
        if (members) {
          const member = members.has(`${account.kind}:${account.id}`);
          if (member === request.complementCollaborators) return;
        }
        found.push(account);
      };
      for (const user of (await context.stores.users.list({ order: { field: "id" } })).items)
        consider({ kind: "user", id: user.userId }, user.name);
      if (!request.onlyUsers) {
        const list = await context.stores.organizations.list({ order: { field: "id" } });
        for (const organization of list.items)
          consider({ kind: "organization", id: organization.organizationId }, organization.name);
      }
      found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return create(SearchAccountsResponseSchema, {
        accountIds: found.slice(0, maxAccounts).flatMap((account) => accountToIds(account) ?? []),
      });
    },
  };
}

const collaboratorKinds = {
  applicationIds: "application",
  clientIds: "client",
  gatewayIds: "gateway",
  organizationIds: "organization",
} as const;

const collaboratorRights: Record<MemberEntityKind, RightName> = {
  application: "RIGHT_APPLICATION_SETTINGS_COLLABORATORS",
  client: "RIGHT_CLIENT_SETTINGS_COLLABORATORS",
  gateway: "RIGHT_GATEWAY_SETTINGS_COLLABORATORS",
  organization: "RIGHT_ORGANIZATION_SETTINGS_MEMBERS",
};

function collaboratorId(
  of:
    | { case: "applicationIds"; value: { applicationId: string } }
    | { case: "clientIds"; value: { clientId: string } }
    | { case: "gatewayIds"; value: { gatewayId: string } }
    | { case: "organizationIds"; value: { organizationId: string } },
): string {
  switch (of.case) {
    case "applicationIds":
      return of.value.applicationId;
    case "clientIds":
      return of.value.clientId;
    case "gatewayIds":
      return of.value.gatewayId;
    case "organizationIds":
      return of.value.organizationId;
  }
}

/** Registers the `EntityRegistrySearch` service on the API. */
export function registerSearchServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(EntityRegistrySearch, entityRegistrySearch(services));
}

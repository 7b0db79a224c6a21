/**
 * The `EntityRegistrySearch` service: search applications, gateways, organizations, users and
 * OAuth clients by case-insensitive substrings of their ID, name, description and attribute
 * values (`query` matches any of ID, name and description, and for gateways the EUI), then
 * `field_mask`, `order`, `limit`, `page` (total in `x-total-count`) and `deleted`.
 *
 * Admins search everything; other callers only the entities on which they hold the entity's
 * `..._INFO` right (as members, directly or, for a user, through its organizations; an
 * entity's own API key finds that entity). `deleted` and user search are for admins only.
 * `SearchAccounts` finds users and organizations, e.g. to add as collaborators.
 *
 * Filtering, rights (a join on memberships), ordering and paging run in SQL: a search reads
 * one page of rows, whatever the size of the registry. Results are converted by the
 * registries' own converters.
 */
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireActiveAccount } from "../../auth/authorize.ts";
import type { Caller } from "../../auth/caller.ts";
import { errNoRights } from "../../auth/errors.ts";
import { allRights, expandRights, type RightName } from "../../auth/rights/index.ts";
import { ApplicationsSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ClientsSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaysSchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationsSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import {
  EntityRegistrySearch,
  SearchAccountsResponseSchema,
} from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UsersSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type {
  AccountRef,
  ListOptions,
  MemberEntityKind,
  Page,
  SearchFilter,
} from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { applicationMessages } from "./applications.ts";
import { clientMessages } from "./clients.ts";
import { asAccount } from "./collaborators.ts";
import { callerOf, callerRightsOn, isAdmin, type ServiceContext } from "./context.ts";
import { accountToIds } from "./convert.ts";
import { enumName, gatewayMessages } from "./gateways.ts";
import { parseOrder } from "./order.ts";
import { organizationMessages } from "./organizations.ts";
import { userMessages } from "./users.ts";

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

/** How a registry reads its entities as API messages (the registry's own converters). */
interface Messages<E, F, M> {
  readMask(mask: FieldMask | undefined): F[] | undefined;
  toMessage(entity: E, mask?: F[]): M;
}

/** What differs between the searchable kinds of entity. */
interface SearchKind<E, F, M> {
  kind: MemberEntityKind | "user";
  /** The right a non-admin needs on an entity to find it. */
  infoRight: RightName;
  /** The ID field's name in `order` (`application_id`) and as a domain field (`applicationId`). */
  idField: string;
  idDomainField: string;
  list(context: ServiceContext, options: ListOptions): Promise<Page<E>>;
  messages: Messages<E, F, M>;
}

const applications = {
  kind: "application",
  infoRight: "RIGHT_APPLICATION_INFO",
  idField: "application_id",
  idDomainField: "applicationId",
  list: (context, options) => context.stores.applications.list(options),
  messages: applicationMessages,
} satisfies SearchKind<unknown, unknown, unknown>;

const gateways = {
  kind: "gateway",
  infoRight: "RIGHT_GATEWAY_INFO",
  idField: "gateway_id",
  idDomainField: "gatewayId",
  list: (context, options) => context.stores.gateways.list(options),
  // Secrets are never found by a search: they are not decrypted here.
  messages: gatewayMessages,
} satisfies SearchKind<unknown, unknown, unknown>;

const organizations = {
  kind: "organization",
  infoRight: "RIGHT_ORGANIZATION_INFO",
  idField: "organization_id",
  idDomainField: "organizationId",
  list: (context, options) => context.stores.organizations.list(options),
  messages: organizationMessages,
} satisfies SearchKind<unknown, unknown, unknown>;

const users = {
  kind: "user",
  infoRight: "RIGHT_USER_INFO",
  idField: "user_id",
  idDomainField: "userId",
  list: (context, options) => context.stores.users.list(options),
  messages: userMessages,
} satisfies SearchKind<unknown, unknown, unknown>;

const clients = {
  kind: "client",
  infoRight: "RIGHT_CLIENT_INFO",
  idField: "client_id",
  idDomainField: "clientId",
  list: (context, options) => context.stores.clients.list(options),
  messages: clientMessages,
} satisfies SearchKind<unknown, unknown, unknown>;

/**
 * Runs a search: who may find what, the filters, the order and the page, all in one query.
 * Sets `x-total-count` to the number of matches; returns the page as API messages.
 */
async function search<E, F, M>(
  context: ServiceContext,
  spec: SearchKind<E, F, M>,
  request: SearchRequest,
  handler: HandlerContext,
  more: SearchFilter = {},
): Promise<M[]> {
  validate("search", request);
  const caller = await callerOf(context, handler);
  await requireActiveAccount(caller, context.lookup);
  const admin = await isAdmin(context, caller);
  const mask = spec.messages.readMask(request.fieldMask);
  if (!admin && (spec.kind === "user" || request.deleted)) {
    throw errNoRights.create({
      entity_kind: request.deleted ? `deleted ${spec.kind}s` : `${spec.kind}s`,
      entity_id: "*",
    });
  }
  const scope = admin ? {} : await findable(context, caller, spec);
  if (!scope) {
    handler.responseHeader.set("x-total-count", "0");
    return [];
  }
  const page = await spec.list(context, {
    ...scope,
    ...requestedPage(request),
    order: parseOrder(request.order, spec.idField),
    onlyDeleted: request.deleted,
    search: {
      ...more,
      contains: {
        [spec.idDomainField]: request.idContains,
        name: request.nameContains,
        description: request.descriptionContains,
        ...more.contains,
      },
      query: request.query,
      attributesContain: request.attributesContain,
    },
  });
  handler.responseHeader.set("x-total-count", String(page.total));
  return page.items.map((item) => spec.messages.toMessage(item, mask));
}

/** The rights that grant `right` (itself, the pseudo-rights above it, ...), by right. */
const grantingRights = new Map<RightName, RightName[]>();
function rightsGranting(right: RightName): RightName[] {
  let granting = grantingRights.get(right);
  if (!granting) {
    granting = allRights.filter((candidate) => expandRights([candidate]).has(right));
    grantingRights.set(right, granting);
  }
  return granting;
}

/**
 * What a non-admin may find, as list options: the entities its account holds the info right
 * on (membership rights in SQL), bounded by what its credential carries; its own entity for an
 * entity's key. `undefined`: nothing.
 */
async function findable<E, F, M>(
  context: ServiceContext,
  caller: Caller,
  spec: SearchKind<E, F, M>,
): Promise<Pick<ListOptions, "ids" | "memberOf"> | undefined> {
  if (spec.kind === "user" || !expandRights(caller.rights).has(spec.infoRight)) return undefined;
  const owner =
    caller.kind === "user" ? { kind: "user" as const, id: caller.userId } : caller.owner;
  if (owner.kind === spec.kind) return { ids: [owner.id] };
  const account = asAccount(owner);
  if (!account) return undefined;
  // A user that is gone holds nothing (as `rightsOn` treats it).
  if (account.kind === "user" && !(await context.lookup.user(account.id))) return undefined;
  return { memberOf: { account, anyOf: rightsGranting(spec.infoRight) } };
}

/** A `state` filter (users and clients): any of the states; none: every state. */
function stateFilter(states: readonly number[]): SearchFilter {
  if (states.length === 0) return {};
  const values = states.map((state) => enumName(StateSchema, state, "state"));
  // proto3 cannot tell an unset state from STATE_REQUESTED.
  return { oneOf: [{ field: "state", values, absent: "STATE_REQUESTED" }] };
}

/** At most this many accounts answer a `SearchAccounts`. */
const maxAccounts = 100;

function list<S extends DescMessage>(schema: S, field: string, items: unknown[]): MessageShape<S> {
  return create(schema, { [field]: items } as never);
}

/** The `EntityRegistrySearch` service implementation. */
export function entityRegistrySearch(
  context: ServiceContext,
): Partial<ServiceImpl<typeof EntityRegistrySearch>> {
  return {
    async searchApplications(request, handler) {
      const items = await search(context, applications, request, handler);
      return list(ApplicationsSchema, "applications", items);
    },

    async searchGateways(request, handler) {
      const items = await search(context, gateways, request, handler, {
        contains: { gatewayEui: request.euiContains },
      });
      return list(GatewaysSchema, "gateways", items);
    },

    async searchOrganizations(request, handler) {
      const items = await search(context, organizations, request, handler);
      return list(OrganizationsSchema, "organizations", items);
    },

    async searchUsers(request, handler) {
      const items = await search(context, users, request, handler, stateFilter(request.state));
      return list(UsersSchema, "users", items);
    },

    async searchClients(request, handler) {
      const items = await search(context, clients, request, handler, stateFilter(request.state));
      return list(ClientsSchema, "clients", items);
    },

    async searchAccounts(request, handler) {
      validate("search", request);
      const caller = await callerOf(context, handler);
      await requireActiveAccount(caller, context.lookup);
      let members: AccountRef[] | undefined;
      const of = request.collaboratorOf;
      if (of.case !== undefined) {
        const kind = collaboratorKinds[of.case];
        const id = collaboratorId(of);
        const held = await callerRightsOn(context, caller, { kind, id });
        if (!held.has(collaboratorRights[kind]))
          throw errNoRights.create({ entity_kind: kind, entity_id: id });
        const memberships = await context.stores.memberships.listMembers({ kind, id });
        members = memberships.items.map((membership) => membership.account);
      }
      /** The accounts of one kind that match, in SQL: the first page by ID. */
      const find = async (kind: AccountRef["kind"]) => {
        const ids = members?.filter((member) => member.kind === kind).map((member) => member.id);
        const options: ListOptions = {
          limit: maxAccounts,
          order: { field: "id" },
          search: { query: request.query, queryFields: [`${kind}Id`, "name"] },
        };
        if (ids && request.complementCollaborators) options.excludeIds = ids;
        else if (ids) options.ids = ids;
        const store = kind === "user" ? context.stores.users : context.stores.organizations;
        const page = await store.list(options);
        return page.items.map((item) => ({
          kind,
          id: "userId" in item ? item.userId : item.organizationId,
        }));
      };
      const found = [
        ...(await find("user")),
        ...(request.onlyUsers ? [] : await find("organization")),
      ];
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

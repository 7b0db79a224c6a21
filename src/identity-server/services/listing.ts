import type { HandlerContext } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { principalOf, requireRightsOn } from "../../auth/authorize.ts";
import type { Caller } from "../../auth/caller.ts";
import { errNoRights } from "../../auth/errors.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { AccountRef, ListOptions, Page } from "../store/index.ts";
import { accountRights, asAccount } from "./collaborators.ts";
import { callerRightsOnEach, type ServiceContext } from "./context.ts";
import { accountFromIds } from "./convert.ts";
import { type ListFilter, updatedSinceOf } from "./list-filters.ts";
import { parseOrder } from "./order.ts";

/** The fields every `List<Entities>Request` has. */
export interface ListRequest {
  collaborator?: OrganizationOrUserIdentifiers | undefined;
  order: string;
  limit: number;
  page: number;
  deleted: boolean;
  /** Conditions of ListGatewaysRequest (`updated_since`). */
  filters?: readonly ListFilter[];
}

export interface ListingSpec<E> {
  kind: "application" | "gateway" | "client" | "organization";
  store: { list(options: ListOptions): Promise<Page<E>> };
  /** The API name of the ID field, for `order` (`application_id`, ...). */
  idField: string;
  /** The ID of a listed entity. */
  idOf(entity: E): string;
  /** Reads the request's collaborator; default any user or organization. */
  collaborator?: (ids: OrganizationOrUserIdentifiers | undefined) => AccountRef;
}

/** A listed entity with the caller's rights on it, which decide how much of it is shown. */
export interface Listed<E> {
  entity: E;
  rights: Set<RightName>;
}

/**
 * The entities of a kind that a list call returns, each with the caller's rights on it, and
 * the `x-total-count` header:
 * - with a collaborator: that account's entities, if the caller may list them;
 * - otherwise admins see all; a key of such an entity sees that entity; other callers see the
 *   entities their user or organization is a member of, if they may list them (as The Things
 *   Stack: `RIGHT_USER_APPLICATIONS_LIST`, ...).
 * Membership is a condition of the SQL query, so pages and totals count only those entities.
 * Soft-deleted entities are listed (`deleted`) to admins only.
 */
export async function listVisible<E extends { deletedAt?: Date }>(
  context: ServiceContext,
  handler: HandlerContext,
  caller: Caller,
  request: ListRequest,
  spec: ListingSpec<E>,
): Promise<Listed<E>[]> {
  const { admin } = await principalOf(caller, context.lookup);
  const options: ListOptions = {};
  const mayList = (account: AccountRef) =>
    requireRightsOn(caller, account, [accountRights[spec.kind].list[account.kind]], context.lookup);
  if (request.collaborator) {
    const account = (spec.collaborator ?? ((ids) => accountFromIds(ids, "collaborator")))(
      request.collaborator,
    );
    await mayList(account);
    options.collaboratorOf = { kind: spec.kind, account };
  } else if (!admin) {
    const owner =
      caller.kind === "user" ? { kind: "user" as const, id: caller.userId } : caller.owner;
    const account = asAccount(owner);
    if (owner.kind === spec.kind) options.ids = [owner.id];
    else if (!account) options.ids = [];
    else {
      await mayList(account);
      options.collaboratorOf = { kind: spec.kind, account };
    }
  }
  if (request.deleted && !admin) {
    throw errNoRights.create({ entity_kind: `deleted ${spec.kind}s`, entity_id: "*" });
  }
  // Deleted entities are filtered, paged and counted in SQL, not filtered out of a page.
  const page = await spec.store.list({
    ...options,
    ...requestedPage(request),
    order: parseOrder(request.order, spec.idField),
    onlyDeleted: request.deleted,
    updatedSince: updatedSinceOf(request.filters),
  });
  handler.responseHeader.set("x-total-count", String(page.total));
  const rights = await callerRightsOnEach(context, caller, spec.kind, page.items.map(spec.idOf));
  return page.items.map((entity) => ({
    entity,
    rights: rights.get(spec.idOf(entity)) ?? new Set(),
  }));
}

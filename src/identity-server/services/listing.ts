import type { HandlerContext } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { Caller } from "../../auth/caller.ts";
import { errNoRights } from "../../auth/errors.ts";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { AccountRef, ListOptions, Page } from "../store/index.ts";
import { accountRights, asAccount, memberEntityIds } from "./collaborators.ts";
import { callerRightsOn, isAdmin, type ServiceContext } from "./context.ts";
import { accountFromIds } from "./convert.ts";
import { parseOrder } from "./order.ts";

/** The fields every `List<Entities>Request` has. */
export interface ListRequest {
  collaborator?: OrganizationOrUserIdentifiers | undefined;
  order: string;
  limit: number;
  page: number;
  deleted: boolean;
}

export interface ListingSpec<E> {
  kind: "application" | "gateway" | "client" | "organization";
  store: { list(options: ListOptions): Promise<Page<E>> };
  /** The API name of the ID field, for `order` (`application_id`, ...). */
  idField: string;
  /** Reads the request's collaborator; default any user or organization. */
  collaborator?: (ids: OrganizationOrUserIdentifiers | undefined) => AccountRef;
}

/**
 * The entities of a kind that a list call returns, and the `x-total-count` header:
 * - with a collaborator: that account's entities, if the caller may list them;
 * - otherwise admins see all; a key of such an entity sees that entity; other callers see
 *   the entities their user or organization is a member of.
 * Soft-deleted entities are listed (`deleted`) to admins only.
 */
export async function listVisible<E extends { deletedAt?: Date }>(
  context: ServiceContext,
  handler: HandlerContext,
  caller: Caller,
  request: ListRequest,
  spec: ListingSpec<E>,
): Promise<E[]> {
  const admin = await isAdmin(context, caller);
  let ids: string[] | undefined;
  if (request.collaborator) {
    const account = (spec.collaborator ?? ((ids) => accountFromIds(ids, "collaborator")))(
      request.collaborator,
    );
    const held = await callerRightsOn(context, caller, account);
    if (!held.has(accountRights[spec.kind].list[account.kind])) {
      throw errNoRights.create({ entity_kind: account.kind, entity_id: account.id });
    }
    ids = await memberEntityIds(context, account, spec.kind);
  } else if (!admin) {
    const owner =
      caller.kind === "user" ? { kind: "user" as const, id: caller.userId } : caller.owner;
    const account = asAccount(owner);
    ids =
      owner.kind === spec.kind
        ? [owner.id]
        : account
          ? await memberEntityIds(context, account, spec.kind)
          : [];
  }
  if (request.deleted && !admin) {
    throw errNoRights.create({ entity_kind: `deleted ${spec.kind}s`, entity_id: "*" });
  }
  // Deleted entities are filtered, paged and counted in SQL, not filtered out of a page.
  const page = await spec.store.list({
    ids,
    ...requestedPage(request),
    order: parseOrder(request.order, spec.idField),
    onlyDeleted: request.deleted,
  });
  handler.responseHeader.set("x-total-count", String(page.total));
  return page.items;
}

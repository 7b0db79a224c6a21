import { expandRights, parseRights, type RightName } from "../../auth/rights/index.ts";
import { type ErrorDefinition, errorNamespace } from "../../errors/index.ts";
import type {
  AccountRef,
  IdentityStores,
  MemberEntityKind,
  MemberEntityRef,
} from "../store/index.ts";

const errors = errorNamespace("identity-server/owners");

/** A change that would leave an entity without a collaborator holding all its rights. */
export const errNeedsCollaborator: Readonly<Record<MemberEntityKind, ErrorDefinition>> = {
  application: errors.failedPrecondition(
    "application_needs_collaborator",
    "every application needs at least one collaborator with all rights",
  ),
  gateway: errors.failedPrecondition(
    "gateway_needs_collaborator",
    "every gateway needs at least one collaborator with all rights",
  ),
  organization: errors.failedPrecondition(
    "organization_needs_collaborator",
    "every organization needs at least one collaborator with all rights",
  ),
  client: errors.failedPrecondition(
    "client_needs_collaborator",
    "every client needs at least one collaborator with all rights",
  ),
};

/** Purging a user or organization that is the last collaborator with all rights of an entity. */
export const errLastCollaborator = errors.failedPrecondition(
  "last_collaborator",
  "{account_kind} `{account_id}` is the last collaborator with all rights of {entity_kind} `{entity_id}`; give another collaborator all rights first",
);

/** The right that makes a collaborator an owner: all rights on an entity of the kind. */
const ownerRights: Readonly<Record<MemberEntityKind, RightName>> = {
  application: "RIGHT_APPLICATION_ALL",
  gateway: "RIGHT_GATEWAY_ALL",
  organization: "RIGHT_ORGANIZATION_ALL",
  client: "RIGHT_CLIENT_ALL",
};

/** Whether membership rights make their holder an owner of an entity of `kind`. */
export function isOwner(kind: MemberEntityKind, rights: Iterable<string>): boolean {
  return expandRights(parseRights(rights)).has(ownerRights[kind]);
}

/**
 * Whether an account other than `except` owns the entity. Run it in the transaction of the
 * change that depends on it, after `memberships.lockEntity`, so that two owners leaving at
 * once cannot each count on the other.
 */
export async function hasOtherOwner(
  stores: IdentityStores,
  entity: MemberEntityRef,
  except: AccountRef,
): Promise<boolean> {
  const { items } = await stores.memberships.listMembers(entity);
  return items.some(
    (member) =>
      !(member.account.kind === except.kind && member.account.id === except.id) &&
      isOwner(entity.kind, member.rights),
  );
}

/**
 * Throws `last_collaborator` when the account is the only owner of an application, gateway,
 * organization or client (soft-deleted ones too: they can be restored). Run in the purge's
 * transaction: each such entity stays locked until it commits.
 */
export async function checkNotLastOwner(
  stores: IdentityStores,
  account: AccountRef,
): Promise<void> {
  const { items } = await stores.memberships.listMemberships(account);
  for (const membership of items) {
    if (!isOwner(membership.entity.kind, membership.rights)) continue;
    await stores.memberships.lockEntity(membership.entity);
    if (!(await hasOtherOwner(stores, membership.entity, account)))
      throw errLastCollaborator.create({
        account_kind: account.kind,
        account_id: account.id,
        entity_kind: membership.entity.kind,
        entity_id: membership.entity.id,
      });
  }
}

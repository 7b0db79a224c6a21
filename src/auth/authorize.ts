import { type AccountState, accountState, accountStateRules } from "./account-state.ts";
import type { AccessLookup, Caller } from "./caller.ts";
import type { EntityRef, EntityRefKind } from "./entity.ts";
import { errMissingRights, errNoRights } from "./errors.ts";
import {
  adminRights,
  type EntityKind,
  expandRights,
  intersectRights,
  missingRights,
  parseRights,
  potentialRights,
  type RightName,
} from "./rights/index.ts";

/**
 * Who acts behind a credential and what the credential may do, once the account it belongs to
 * is taken into account.
 */
export interface Principal {
  /** The user whose credential it is: an OAuth token, a session or a key of the user. */
  userId?: string;
  /** That user's account state. */
  state?: AccountState;
  /**
   * Acts as an admin: the user is approved, has the admin flag, and the credential itself
   * carries `RIGHT_USER_ALL` (a restricted key or token of an admin acts as a non-admin).
   */
  admin: boolean;
  /** The credential's rights, expanded, within what the account state leaves. */
  rights: ReadonlySet<RightName>;
  /** The account state took rights away (the user is pending, rejected or suspended). */
  restricted: boolean;
}

/** The user, organization, application or gateway a credential acts for. */
function ownerOf(caller: Caller): EntityRef {
  return caller.kind === "user" ? { kind: "user", id: caller.userId } : caller.owner;
}

/**
 * The {@link Principal} of a caller. Keys of organizations, applications and gateways act for
 * their entity, whose rights come from its own memberships; a user's state bounds the user's
 * own credentials only.
 */
export async function principalOf(caller: Caller, lookup: AccessLookup): Promise<Principal> {
  const owner = ownerOf(caller);
  const rights = expandRights(caller.rights);
  if (owner.kind !== "user") return { admin: false, rights, restricted: false };
  const user = await lookup.user(owner.id);
  // Keys of deleted users are refused when they are looked up; a token may outlive its user.
  if (!user) return { userId: owner.id, admin: false, rights: new Set(), restricted: false };
  const state = accountState(user.state);
  const rule = accountStateRules[state];
  const allowed = rule.rights ? intersectRights(rights, rule.rights) : rights;
  const admin = user.admin && rule.admin && missingRights(["RIGHT_USER_ALL"], allowed).length === 0;
  return { userId: owner.id, state, admin, rights: allowed, restricted: rule.rights !== undefined };
}

/** The application an end device belongs to: device rights are application rights. */
function rightsSubject(entity: EntityRef): EntityRef {
  if (entity.kind !== "end_device") return entity;
  return { kind: "application", id: entity.id.slice(0, entity.id.indexOf(".")) };
}

function kindOf(entity: EntityRef): EntityKind {
  return entity.kind === "end_device" ? "application" : entity.kind;
}

function same(a: EntityRef, b: EntityRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/**
 * What the credential's owner holds on an entity, before the credential bounds it:
 * - the owner itself: every right such an entity can hold (a user key may hold application
 *   rights, used through the user's memberships);
 * - for a user or organization: its rights through memberships (`memberships`), plus for a
 *   user acting as an admin the admin rights that such an entity can hold;
 * - for an application or gateway key on another entity: nothing.
 */
function ownerBound(
  owner: EntityRef,
  subject: EntityRef,
  principal: Principal,
  memberships: ReadonlySet<string> | undefined,
): Set<RightName> {
  if (same(owner, subject)) return new Set(potentialRights(kindOf(subject)));
  if (owner.kind !== "user" && owner.kind !== "organization") return new Set();
  const through = expandRights(parseRights(memberships ?? []));
  if (principal.admin) {
    const relevant = potentialRights(kindOf(subject));
    for (const right of adminRights) if (relevant.has(right)) through.add(right);
  }
  return through;
}

function needsMemberships(owner: EntityRef, subject: EntityRef): boolean {
  return !same(owner, subject) && (owner.kind === "user" || owner.kind === "organization");
}

/** The principal and its rights on an entity (see {@link rightsOn}). */
async function evaluate(
  caller: Caller,
  entity: EntityRef,
  lookup: AccessLookup,
): Promise<{ principal: Principal; rights: Set<RightName> }> {
  const principal = await principalOf(caller, lookup);
  const owner = ownerOf(caller);
  const subject = rightsSubject(entity);
  const memberships =
    principal.rights.size > 0 && needsMemberships(owner, subject)
      ? await lookup.membershipRights(owner, subject)
      : undefined;
  const bound = ownerBound(owner, subject, principal, memberships);
  return { principal, rights: intersectRights(principal.rights, bound) };
}

/**
 * The rights a caller has on an entity (an end device counts as its application): the
 * credential's rights (within what its user's account state leaves) ∩ what its owner holds
 * on the entity:
 * - a key of the entity itself: the rights such an entity can hold;
 * - a key of a user or organization, an OAuth token or a session: the owner's rights through
 *   memberships (an admin acting as one holds the admin rights on everything, a user every
 *   right on itself).
 */
export async function rightsOn(
  caller: Caller,
  entity: EntityRef,
  lookup: AccessLookup,
): Promise<Set<RightName>> {
  return (await evaluate(caller, entity, lookup)).rights;
}

/**
 * {@link rightsOn} for many entities of one kind, by ID, with one membership lookup for all
 * of them when the lookup can (list calls).
 */
export async function rightsOnEach(
  caller: Caller,
  kind: Exclude<EntityRefKind, "end_device">,
  ids: readonly string[],
  lookup: AccessLookup,
): Promise<Map<string, Set<RightName>>> {
  const principal = await principalOf(caller, lookup);
  const owner = ownerOf(caller);
  const result = new Map<string, Set<RightName>>();
  const looked = ids.filter((id) => needsMemberships(owner, { kind, id }));
  let memberships: ReadonlyMap<string, ReadonlySet<string>> = new Map();
  if (principal.rights.size > 0 && looked.length > 0) {
    memberships = lookup.membershipRightsOfEach
      ? await lookup.membershipRightsOfEach(owner, kind, looked)
      : new Map(
          await Promise.all(
            looked.map(
              async (id) => [id, await lookup.membershipRights(owner, { kind, id })] as const,
            ),
          ),
        );
  }
  for (const id of ids) {
    const bound = ownerBound(owner, { kind, id }, principal, memberships.get(id));
    result.set(id, intersectRights(principal.rights, bound));
  }
  return result;
}

/**
 * Throws unless the caller holds every one of `required` on the entity: the account state's
 * refusal (`user_suspended`, ...) when that state took the rights away, `no_rights` when the
 * caller holds none at all (the entity's existence is not confirmed to strangers),
 * `missing_rights` naming what is missing otherwise.
 */
export async function requireRightsOn(
  caller: Caller,
  entity: EntityRef,
  required: readonly RightName[],
  lookup: AccessLookup,
): Promise<Set<RightName>> {
  const { principal, rights: held } = await evaluate(caller, entity, lookup);
  const missing = missingRights(required, held);
  if (missing.length === 0) return held;
  const refusal = principal.restricted && principal.state && accountStateRules[principal.state];
  if (refusal && refusal.refusal !== undefined) throw refusal.refusal.create();
  const attributes = { entity_kind: entity.kind, entity_id: entity.id };
  if (held.size === 0) throw errNoRights.create(attributes);
  throw errMissingRights.create({ ...attributes, missing: missing.join(", ") });
}

/**
 * Throws the account state's refusal when the caller is a user that is pending, rejected or
 * suspended: calls open to every authenticated caller (reads of public fields) are closed to
 * them, as The Things Stack's `RequireAuthenticated`.
 */
export async function requireActiveAccount(caller: Caller, lookup: AccessLookup): Promise<void> {
  const principal = await principalOf(caller, lookup);
  const refusal = principal.state && accountStateRules[principal.state].refusal;
  if (refusal) throw refusal.create();
}

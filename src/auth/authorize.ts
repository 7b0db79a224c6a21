import type { AccessLookup, Caller } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
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
 * The rights a caller has on an entity (an end device counts as its application):
 * - a key of the entity itself: the key's rights that such an entity can hold (a user key may
 *   hold application rights, used through the user's memberships);
 * - a key of a user or organization: the key's rights ∩ the owner's rights on the entity
 *   (an admin user holds the admin rights on everything, a user every right on itself);
 * - a user (OAuth/session): the token's rights ∩ the user's rights on the entity.
 */
export async function rightsOn(
  caller: Caller,
  entity: EntityRef,
  lookup: AccessLookup,
): Promise<Set<RightName>> {
  const subject = rightsSubject(entity);
  if (caller.kind === "api-key") {
    if (same(caller.owner, subject))
      return intersectRights(caller.rights, potentialRights(kindOf(subject)));
    if (caller.owner.kind !== "user" && caller.owner.kind !== "organization") return new Set();
    return intersectRights(caller.rights, await accountRights(caller.owner, subject, lookup));
  }
  return intersectRights(
    caller.rights,
    await accountRights({ kind: "user", id: caller.userId }, subject, lookup),
  );
}

async function accountRights(
  account: EntityRef,
  entity: EntityRef,
  lookup: AccessLookup,
): Promise<Set<RightName>> {
  if (account.kind === "user") {
    const user = await lookup.user(account.id);
    if (!user) return new Set();
    if (same(account, entity)) return new Set(potentialRights("user"));
    const through = expandRights(parseRights(await lookup.membershipRights(account, entity)));
    if (user.admin) for (const right of adminRights) through.add(right);
    return through;
  }
  return expandRights(parseRights(await lookup.membershipRights(account, entity)));
}

/**
 * Throws unless the caller holds every one of `required` on the entity: `no_rights` when it
 * holds none at all (the entity's existence is not confirmed to strangers), `missing_rights`
 * naming what is missing otherwise.
 */
export async function requireRightsOn(
  caller: Caller,
  entity: EntityRef,
  required: readonly RightName[],
  lookup: AccessLookup,
): Promise<Set<RightName>> {
  const held = await rightsOn(caller, entity, lookup);
  const missing = missingRights(required, held);
  if (missing.length === 0) return held;
  const attributes = { entity_kind: entity.kind, entity_id: entity.id };
  if (held.size === 0) throw errNoRights.create(attributes);
  throw errMissingRights.create({ ...attributes, missing: missing.join(", ") });
}

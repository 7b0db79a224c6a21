/**
 * An entity whose access (rights, API keys, collaborators) the Console manages: the REST path
 * segment of its kind and its ID, e.g. `{ kind: "gateways", id: "gw1" }` for
 * `/api/v3/gateways/gw1/...`.
 */
export type EntityKind = "applications" | "gateways" | "organizations" | "users";

export type EntityRef = { kind: EntityKind; id: string };

/** The singular right prefix of each kind: `RIGHT_<prefix>_...`. */
const rightPrefixes: Record<EntityKind, string> = {
  applications: "APPLICATION",
  gateways: "GATEWAY",
  organizations: "ORGANIZATION",
  users: "USER",
};

/** The right-name kinds that can be granted on an entity (TTS: organizations and users hold rights on what they own). */
const grantableKinds: Record<EntityKind, readonly string[]> = {
  applications: ["APPLICATION"],
  gateways: ["GATEWAY"],
  organizations: ["ORGANIZATION", "APPLICATION", "GATEWAY", "CLIENT"],
  users: ["USER", "ORGANIZATION", "APPLICATION", "GATEWAY", "CLIENT"],
};

/** `RIGHT_GATEWAY` for gateways, ... */
export function rightPrefix(kind: EntityKind): string {
  return `RIGHT_${rightPrefixes[kind]}`;
}

/** The kinds of right (`APPLICATION`, `GATEWAY`, ...) that keys and collaborators of `kind` may hold. */
export function grantableRightKinds(kind: EntityKind): readonly string[] {
  return grantableKinds[kind];
}

/** The base REST path of the entity, relative to `/api/v3`. */
export function entityPath(entity: EntityRef): string {
  return `/${entity.kind}/${encodeURIComponent(entity.id)}`;
}

/** The field name of the entity's identifiers in TTS request messages (`gateway_ids`, ...). */
export function idsField(kind: EntityKind): string {
  return `${rightPrefixes[kind].toLowerCase()}_ids`;
}

/** A human noun for the kind: "gateway", "application", ... */
export function kindNoun(kind: EntityKind): string {
  return rightPrefixes[kind].toLowerCase();
}

/** Whether the entity has collaborators at all (users do not; organizations only have user members). */
export function collaboratorKinds(kind: EntityKind): readonly ("user" | "organization")[] {
  if (kind === "users") return [];
  if (kind === "organizations") return ["user"];
  return ["user", "organization"];
}

import { errInsufficientRights, errUnknownRight } from "./errors.ts";
import {
  type EntityKind,
  type RightDefinition,
  type RightKind,
  type RightName,
  rightDefinitions,
} from "./table.ts";

const byName = new Map<string, RightDefinition>(rightDefinitions.map((r) => [r.name, r]));
const byNumber = new Map<number, RightDefinition>(rightDefinitions.map((r) => [r.number, r]));

/** Every right, in table order. */
export const allRights: readonly RightName[] = rightDefinitions.map((r) => r.name);

/** Whether `value` is the name of a right. */
export function isRightName(value: string): value is RightName {
  return byName.has(value);
}

/** The table row of a right. */
export function rightDefinition(name: RightName): RightDefinition {
  const row = byName.get(name);
  if (row === undefined) throw errUnknownRight.create({ right: name });
  return row;
}

/** The right with protobuf enum number `number`, if there is one. */
export function rightByNumber(number: number): RightDefinition | undefined {
  return byNumber.get(number);
}

/**
 * The rights of one kind. Like The Things Stack's `All<Kind>Rights`, the pseudo-right of the
 * kind is included unless `pseudo: false` is given.
 */
export function rightsOfKind(kind: RightKind, options: { pseudo?: boolean } = {}): RightName[] {
  const pseudo = options.pseudo ?? true;
  return rightDefinitions
    .filter((r) => r.kind === kind && (pseudo || !r.pseudo))
    .map((r) => r.name);
}

// What each right grants directly: itself, its `implies` list and, for a pseudo-right, its
// whole kind (`RIGHT_ALL`: everything).
const directlyImplied = new Map<RightName, ReadonlySet<RightName>>(
  rightDefinitions.map((r) => {
    const implied = new Set<RightName>([r.name, ...(r.implies ?? [])]);
    if (r.pseudo) {
      for (const other of rightDefinitions) {
        if (r.kind === "universal" || other.kind === r.kind) implied.add(other.name);
      }
    }
    return [r.name, implied];
  }),
);

/** The rights that holding `right` grants, including `right` itself. */
export function impliedRights(right: RightName): ReadonlySet<RightName> {
  const implied = directlyImplied.get(right);
  if (implied === undefined) throw errUnknownRight.create({ right });
  return implied;
}

/**
 * The rights together with every right they imply, to a fixed point: `RIGHT_APPLICATION_ALL`
 * becomes every application right, `RIGHT_ALL` every right, `RIGHT_APPLICATION_LINK` adds
 * info, traffic read and downlink write.
 */
export function expandRights(rights: Iterable<RightName>): Set<RightName> {
  const result = new Set<RightName>();
  const pending = [...rights];
  for (let right = pending.pop(); right !== undefined; right = pending.pop()) {
    if (result.has(right)) continue;
    result.add(right);
    for (const implied of impliedRights(right)) if (!result.has(implied)) pending.push(implied);
  }
  return result;
}

/**
 * The rights held under both sets, after expanding each: a key with `RIGHT_APPLICATION_ALL`
 * whose owner only has `RIGHT_APPLICATION_INFO` is left with `RIGHT_APPLICATION_INFO`.
 */
export function intersectRights(a: Iterable<RightName>, b: Iterable<RightName>): Set<RightName> {
  const expandedB = expandRights(b);
  const result = new Set<RightName>();
  for (const right of expandRights(a)) if (expandedB.has(right)) result.add(right);
  return result;
}

/**
 * The rights of `required` (expanded) that `held` (expanded) does not grant, sorted. Granting
 * a pseudo-right requires holding it, not just every right it currently stands for, because
 * it also stands for rights added in the future.
 */
export function missingRights(
  required: Iterable<RightName>,
  held: Iterable<RightName>,
): RightName[] {
  const granted = expandRights(held);
  return sortRights([...expandRights(required)].filter((r) => !granted.has(r)));
}

/** Whether everything `rights` grants is granted by `of`: a key never exceeds its owner. */
export function isSubset(rights: Iterable<RightName>, of: Iterable<RightName>): boolean {
  return missingRights(rights, of).length === 0;
}

/** Throws `insufficient_rights` (permission denied) unless `held` grants all of `required`. */
export function requireRights(held: Iterable<RightName>, required: Iterable<RightName>): void {
  const missing = missingRights(required, held);
  if (missing.length > 0) throw errInsufficientRights.create({ missing });
}

/** Sorted by name, the order in which The Things Stack lists rights. */
export function sortRights(rights: Iterable<RightName>): RightName[] {
  return [...new Set(rights)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const entityKinds: readonly EntityKind[] = ["application", "client", "gateway"];

/**
 * The rights that can be held with respect to an entity of `kind`: its own kind's rights,
 * and for organizations also the application, client and gateway rights of the entities
 * they collaborate on (for users also organization rights). `RIGHT_ORGANIZATION_ALL` itself
 * expands to organization rights only; an organization key that should manage its
 * applications needs `RIGHT_APPLICATION_...` rights as well.
 */
export function potentialRights(kind: EntityKind): ReadonlySet<RightName> {
  const kinds: readonly RightKind[] =
    kind === "organization"
      ? [...entityKinds, "organization"]
      : kind === "user"
        ? [...entityKinds, "organization", "user"]
        : [kind];
  return new Set(rightDefinitions.filter((r) => kinds.includes(r.kind)).map((r) => r.name));
}

/**
 * The rights The Things Stack grants admin users universally (unless configured to grant
 * all): every right except the pseudo-rights and those ending in `_KEYS`, so admins do not
 * manage other entities' API keys or read device keys by default.
 */
export const adminRights: readonly RightName[] = allRights.filter(
  (name) => !name.endsWith("_KEYS") && !name.endsWith("_ALL"),
);

/**
 * Parses a right as it appears in requests: its name (`RIGHT_APPLICATION_INFO`), its name
 * without the `RIGHT_` prefix (`APPLICATION_INFO`, accepted by The Things Stack too) or its
 * protobuf number. `right_invalid` / 0 is not a right. Throws `unknown_right`.
 */
export function parseRight(value: string | number): RightName {
  if (typeof value === "number") {
    const row = Number.isInteger(value) ? byNumber.get(value) : undefined;
    if (row === undefined) throw errUnknownRight.create({ right: value });
    return row.name;
  }
  const row =
    byName.get(value) ?? (value.startsWith("RIGHT_") ? undefined : byName.get(`RIGHT_${value}`));
  if (row === undefined) throw errUnknownRight.create({ right: value });
  return row.name;
}

/** Parses a list of rights with {@link parseRight}, without duplicates, sorted by name. */
export function parseRights(values: Iterable<string | number>): RightName[] {
  return sortRights([...values].map(parseRight));
}

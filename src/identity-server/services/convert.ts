import { create } from "@bufbuild/protobuf";
import {
  type FieldMask,
  type Timestamp,
  timestampDate,
  timestampFromDate,
} from "@bufbuild/protobuf/wkt";
import { parseRights, type RightName, rightDefinition } from "../../auth/rights/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type OrganizationOrUserIdentifiers,
  OrganizationOrUserIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { AccountRef } from "../store/index.ts";

const errors = errorNamespace("identity-server/services");

export const errMissingField = errors.invalidArgument(
  "missing_field",
  "field `{field}` is required",
);
export const errInvalidLastSeen = errors.invalidArgument(
  "invalid_last_seen",
  "field `{field}` is not a valid time",
);
export const errForbiddenPath = errors.invalidArgument(
  "field_mask_path_not_allowed",
  "field mask path `{path}` is not allowed; allowed: {allowed}",
);

export function toTimestamp(date: Date | undefined): Timestamp | undefined {
  return date ? timestampFromDate(date) : undefined;
}

export function fromTimestamp(timestamp: Timestamp | undefined): Date | undefined {
  return timestamp ? timestampDate(timestamp) : undefined;
}

/** An account reference from `OrganizationOrUserIdentifiers`; `missing_field` when empty. */
export function accountFromIds(
  ids: OrganizationOrUserIdentifiers | undefined,
  field: string,
): AccountRef {
  if (ids?.ids.case === "userIds" && ids.ids.value.userId)
    return { kind: "user", id: ids.ids.value.userId };
  if (ids?.ids.case === "organizationIds" && ids.ids.value.organizationId) {
    return { kind: "organization", id: ids.ids.value.organizationId };
  }
  throw errMissingField.create({ field });
}

export function accountToIds(
  account: AccountRef | undefined,
): OrganizationOrUserIdentifiers | undefined {
  if (!account) return undefined;
  return create(OrganizationOrUserIdentifiersSchema, {
    ids:
      account.kind === "user"
        ? { case: "userIds", value: { userId: account.id } }
        : { case: "organizationIds", value: { organizationId: account.id } },
  });
}

/** Right names from the API's enum numbers (unknown numbers are invalid_argument). */
export function rightNames(rights: readonly Right[]): RightName[] {
  return parseRights(rights.map((right) => Number(right)));
}

/** The API's enum numbers for right names. */
export function rightNumbers(rights: Iterable<string>): Right[] {
  return parseRights(rights).map((name) => rightDefinition(name).number as Right);
}

/**
 * The domain fields named by a field mask: API paths (`network_server_address`) become domain
 * keys (`networkServerAddress`); the first path segment counts (`antennas.gain` → `antennas`).
 * A path outside `allowed` is an error naming it; only `allowed`'s own keys count, never what
 * every object inherits (`__proto__`, `constructor`, `toString`). An empty mask names no field.
 */
export function maskFields<F>(
  mask: FieldMask | undefined,
  allowed: Readonly<Record<string, keyof F>>,
): (keyof F)[] {
  const fields = new Set<keyof F>();
  for (const path of mask?.paths ?? []) {
    const head = path.split(".")[0] as string;
    const field = Object.hasOwn(allowed, head) ? allowed[head] : undefined;
    if (field === undefined)
      throw errForbiddenPath.create({ path, allowed: Object.keys(allowed).join(", ") });
    fields.add(field);
  }
  return [...fields];
}

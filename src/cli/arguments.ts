import { errInvalidId, isValidId } from "../identity-server/ids/index.ts";
import { type EntityKind, flagOfField, idFlag, type OwnerKind } from "./entities.ts";
import {
  errAttribute,
  errConflictingId,
  errEui,
  errMissingId,
  errOwner,
  errTimestamp,
  errWholeNumber,
} from "./errors.ts";

/**
 * Reading the flags of entity commands into API values. Everything here throws usage errors
 * (exit 2) before any call is made: bad IDs by The Things Stack's rules, bad EUIs, times,
 * numbers and attributes.
 */
export type Flags = Record<string, unknown>;

/** `frequency-plan-id` → `frequencyPlanId`, the key commander stores a flag under. */
export function attributeOf(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** A valid entity ID of the field, or `invalid_id`. */
export function checkedId(field: string, value: string): string {
  if (!isValidId(value)) throw errInvalidId.create({ field, value });
  return value;
}

/**
 * A positional ID or its flag (`--application-id`): one of them, or both alike; checked by
 * The Things Stack's ID rule.
 */
export function positionalId(
  field: string,
  flag: string,
  argument: string | undefined,
  flags: Flags,
): string {
  const fromFlag = flags[attributeOf(flag)] as string | undefined;
  if (argument !== undefined && fromFlag !== undefined && argument !== fromFlag)
    throw errConflictingId.create({ field, argument, flag, value: fromFlag });
  const id = argument ?? fromFlag;
  if (id === undefined) throw errMissingId.create({ field, flag });
  return checkedId(field, id);
}

/** The entity's ID from the argument or its `--<kind>-id` flag (one of them, or both alike). */
export function entityId(kind: EntityKind, argument: string | undefined, flags: Flags): string {
  return positionalId(kind.idField, idFlag(kind), argument, flags);
}

/** An end device as the API names it in paths and bodies. */
export interface DeviceRef {
  applicationId: string;
  deviceId: string;
}

/**
 * The application and device IDs from `[application-id] [device-id]` or their flags
 * (`--application-id`, `--device-id`), as ttn-lw-cli takes them; both required.
 */
export function deviceOf(
  applicationArgument: string | undefined,
  deviceArgument: string | undefined,
  flags: Flags,
): DeviceRef {
  return {
    applicationId: positionalId("application_id", "application-id", applicationArgument, flags),
    deviceId: positionalId("device_id", "device-id", deviceArgument, flags),
  };
}

/** The device's EndDeviceIdentifiers as the API writes them: `{device_id, application_ids}`. */
export function endDeviceIds(device: DeviceRef): {
  device_id: string;
  application_ids: { application_id: string };
} {
  return {
    device_id: device.deviceId,
    application_ids: { application_id: device.applicationId },
  };
}

/** An owner or collaborator given with `--user-id` or `--organization-id`. */
export interface Account {
  kind: OwnerKind;
  id: string;
}

/**
 * The one account among `kinds` named by flags; `undefined` when none is given and
 * `required` is false. Two given: a usage error.
 */
export function accountOf(
  kinds: readonly OwnerKind[],
  flags: Flags,
  required: boolean,
): Account | undefined {
  const given = kinds.flatMap((kind) => {
    const id = flags[`${kind}Id`] as string | undefined;
    return id === undefined ? [] : [{ kind, id: checkedId(`${kind}_id`, id) }];
  });
  if (given.length > 1 || (required && given.length === 0))
    throw errOwner.create({ flags: kinds.map((kind) => `--${kind}-id`).join(" or ") });
  return given[0];
}

/** {@link accountOf} for a required account. */
export function requiredAccount(kinds: readonly OwnerKind[], flags: Flags): Account {
  return accountOf(kinds, flags, true) as Account;
}

/** `{user_ids: {user_id}}` or `{organization_ids: {organization_id}}`. */
export function accountIds(account: Account): Record<string, Record<string, string>> {
  return { [`${account.kind}_ids`]: { [`${account.kind}_id`]: account.id } };
}

/** The REST path of an account: `/users/alice`. */
export function accountPath(account: Account): string {
  return `/${account.kind}s/${encodeURIComponent(account.id)}`;
}

/**
 * The field mask of get and list, as ttn-lw-cli builds it: `--all` selects every field of the
 * kind but the secrets, each `--<field>` adds its field. None: the API's default (IDs and times).
 */
export function selectedFields(kind: EntityKind, flags: Flags): string[] {
  const fields = flags.all === true ? [...kind.fields] : [];
  for (const field of [...kind.fields, ...kind.secretFields]) {
    if (flags[attributeOf(flagOfField(field))] === true && !fields.includes(field))
      fields.push(field);
  }
  return fields;
}

/**
 * The entity fields the setter flags give and the field mask paths they change. `verb`
 * leaves out create-only setters on update.
 */
export function settersOf(
  kind: EntityKind,
  flags: Flags,
  verb: "create" | "update",
): { entity: Record<string, unknown>; paths: string[] } {
  const entity: Record<string, unknown> = {};
  const paths: string[] = [];
  for (const setter of kind.setters) {
    if (verb === "update" && setter.createOnly) continue;
    const given = flags[attributeOf(setter.flag)];
    if (given === undefined) continue;
    const value = setterValue(setter.type, setter.flag, given);
    setPath(entity, setter.path, value);
    paths.push(setter.path);
  }
  return { entity, paths };
}

function setterValue(type: EntityKind["setters"][number]["type"], flag: string, given: unknown) {
  switch (type) {
    case "attributes":
      return parseAttributes(given as string[]);
    case "eui":
      return parseEui(flag, given as string);
    default:
      return given;
  }
}

/** `["site=north", "floor=2"]` → `{site: "north", floor: "2"}`; a value may contain `=`. */
export function parseAttributes(values: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = Object.create(null);
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) throw errAttribute.create({ value });
    attributes[value.slice(0, at)] = value.slice(at + 1);
  }
  return { ...attributes };
}

/** 16 hex digits (separators `:` and `-` allowed), written upper case. */
export function parseEui(flag: string, value: string): string {
  const hex = value.replace(/[-:]/g, "");
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw errEui.create({ flag, value });
  return hex.toUpperCase();
}

/** An RFC 3339 time as the API writes it. */
export function parseTimestamp(flag: string, value: string): string {
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(time)) throw errTimestamp.create({ flag, value });
  return new Date(time).toISOString();
}

/** `--limit` and `--page` as whole numbers, for the query. */
export function paging(flags: Flags): { limit?: number; page?: number } {
  const result: { limit?: number; page?: number } = {};
  for (const name of ["limit", "page"] as const) {
    const value = flags[name];
    if (value === undefined) continue;
    if (typeof value !== "string" || !/^\d{1,9}$/.test(value))
      throw errWholeNumber.create({ flag: name, value });
    result[name] = Number(value);
  }
  return result;
}

/** Sets `a.b.c` of `target`, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

import { errInvalidId } from "./errors.ts";

/**
 * The ID rule of every entity (The Things Stack's public API): at least 3 lower-case
 * letters or digits (dashes do not count), single dashes only between them.
 */
export const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

/** The longest allowed ID. */
export const idMaxLength = 36;

/** The kinds of entity that have an ID. */
export type IdKind = "user" | "organization" | "application" | "gateway" | "device" | "client";

/** The API field that carries each kind's ID, named in errors. */
export const idFields: Readonly<Record<IdKind, string>> = {
  user: "user_id",
  organization: "organization_id",
  application: "application_id",
  gateway: "gateway_id",
  device: "device_id",
  client: "client_id",
};

/** Whether `id` is a valid entity ID. */
export function isValidId(id: string): boolean {
  return id.length <= idMaxLength && idPattern.test(id);
}

/** Throws `invalid_id` (invalid argument) naming the field and value unless `id` is valid. */
export function validateId(kind: IdKind, id: string): void {
  if (!isValidId(id)) throw errInvalidId.create({ field: idFields[kind], value: id });
}

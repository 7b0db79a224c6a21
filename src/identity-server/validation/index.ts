/**
 * Validation of what the Identity Server stores, as The Things Stack bounds it: one table of
 * rules per kind of entity (tables.ts), applied to the API message of a create (every field)
 * or an update (the fields its field mask names). A field out of bounds is `validation`
 * (invalid argument) naming its API path and why.
 */
import { checkFields, type FieldTable } from "./rules.ts";
import * as tables from "./tables.ts";

export { errValidation } from "./errors.ts";

/** The tables by what they validate, and the prefix of their fields in errors. */
const kinds = {
  application: { table: tables.application, prefix: "application" },
  gateway: { table: tables.gateway, prefix: "gateway" },
  organization: { table: tables.organization, prefix: "organization" },
  user: { table: tables.user, prefix: "user" },
  client: { table: tables.client, prefix: "client" },
  end_device: { table: tables.endDevice, prefix: "end_device" },
  api_key: { table: tables.apiKey, prefix: "api_key" },
  search: { table: tables.search, prefix: "" },
} as const satisfies Record<string, { table: FieldTable; prefix: string }>;

export type ValidatedKind = keyof typeof kinds;

/**
 * Validates `message` (an API message of `kind`, or a request for `search`): every field in
 * the kind's table, or with `paths` (an update's field mask) only the fields they name (by
 * their first segment). `prefix` replaces the kind's name in error fields.
 */
export function validate(
  kind: ValidatedKind,
  message: object | undefined,
  options: { paths?: readonly string[]; prefix?: string } = {},
): void {
  if (!message) return;
  const { table, prefix } = kinds[kind];
  const only = options.paths
    ? new Set(options.paths.map((path) => path.split(".")[0] as string))
    : undefined;
  checkFields(table, message, options.prefix ?? prefix, only);
}

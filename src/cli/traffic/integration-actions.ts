import { callAndNote, callAndPrint, listAndPrint } from "../actions/show.ts";
import { attributeOf, type Flags, positionalId, setPath } from "../arguments.ts";
import { authenticatedClient } from "../client/session.ts";
import { errNothingToUpdate } from "../errors.ts";
import { flagOf, type IntegrationKind, type IntegrationSetter } from "../integrations.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { parseChoice, parseKeyValues } from "./arguments.ts";

/** The application's ID from the first argument or `--application-id`. */
function applicationOf(argument: string | undefined, flags: Flags): string {
  return positionalId("application_id", "application-id", argument, flags);
}

/** The integration's ID from the second argument or its flag (`--webhook-id`). */
function integrationIdOf(kind: IntegrationKind, argument: string | undefined, flags: Flags) {
  return positionalId(kind.idField, kind.idFlag, argument, flags);
}

/** `/as/webhooks/my-app[/my-webhook]`. */
function pathOf(kind: IntegrationKind, app: string, id?: string): string {
  const base = `${kind.collection}/${encodeURIComponent(app)}`;
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}

/** The fields `--all` and `--<field>` select; none: the server's default (IDs and times). */
export function selectedIntegrationFields(kind: IntegrationKind, flags: Flags): string[] {
  if (flags.all === true) return [...kind.fields];
  return kind.fields.filter((field) => flags[attributeOf(flagOf(field))] === true);
}

/** The value of one setter's flag, read by its type. */
const readers: Record<
  IntegrationSetter["type"],
  (setter: IntegrationSetter, given: unknown) => unknown
> = {
  text: (_setter, given) => String(given),
  boolean: (_setter, given) => given === true,
  map: (setter, given) => parseKeyValues(setter.flag, given as string[]),
  list: (_setter, given) =>
    (given as string[]).flatMap((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  choice: (setter, given) => parseChoice(setter.flag, String(given), setter.choices ?? []),
};

/** The entity fields the `set` flags give, and the field mask of exactly those. */
export function integrationSetters(
  kind: IntegrationKind,
  flags: Flags,
): { entity: Record<string, unknown>; paths: string[] } {
  const entity: Record<string, unknown> = {};
  const paths: string[] = [];
  for (const setter of kind.setters) {
    const given = flags[attributeOf(setter.flag)];
    if (given === undefined) continue;
    setPath(entity, setter.path, readers[setter.type](setter, given));
    // The field mask names the whole `field_mask` field, not its list.
    paths.push(setter.maskPath ?? setter.path.replace(/\.paths$/, ""));
  }
  return { entity, paths };
}

/** `<kind> get`. */
export async function getIntegration(
  kind: IntegrationKind,
  appArgument: string | undefined,
  idArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const app = applicationOf(appArgument, flags);
  const id = integrationIdOf(kind, idArgument, flags);
  const fields = selectedIntegrationFields(kind, flags);
  await callAndPrint(flags, io, "GET", pathOf(kind, app, id), {
    query: { field_mask: fields.length > 0 ? fields : undefined },
  });
}

/** `<kind> list`. */
export async function listIntegrations(
  kind: IntegrationKind,
  appArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const app = applicationOf(appArgument, flags);
  const fields = selectedIntegrationFields(kind, flags);
  await listAndPrint(flags, io, pathOf(kind, app), kind.listField, {
    query: { field_mask: fields.length > 0 ? fields : undefined },
  });
}

/** `<kind> set`: creates or changes exactly the fields given. */
export async function setIntegration(
  kind: IntegrationKind,
  appArgument: string | undefined,
  idArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const app = applicationOf(appArgument, flags);
  const id = integrationIdOf(kind, idArgument, flags);
  const { entity, paths } = integrationSetters(kind, flags);
  if (paths.length === 0)
    throw errNothingToUpdate.create({
      flags: kind.setters
        .slice(0, 4)
        .map((setter) => `--${setter.flag}`)
        .concat("...")
        .join(", "),
    });
  const ids = { application_ids: { application_id: app }, [kind.idField]: id };
  await callAndPrint(flags, io, "PUT", pathOf(kind, app, id), {
    body: { [kind.bodyField]: { ...entity, ids }, field_mask: { paths } },
  });
}

/** `<kind> delete`: nothing on stdout. */
export async function deleteIntegration(
  kind: IntegrationKind,
  appArgument: string | undefined,
  idArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const app = applicationOf(appArgument, flags);
  const id = integrationIdOf(kind, idArgument, flags);
  await callAndNote(
    flags,
    io,
    "DELETE",
    pathOf(kind, app, id),
    `deleted ${kind.noun} ${id} of application ${app}`,
  );
}

/** `<kind> formats`: the format names and descriptions. */
export async function integrationFormats(
  kind: IntegrationKind,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call<{ formats?: Record<string, string> }>("GET", kind.formatsPath);
  createPrinter(io, flags).entity(json.formats ?? {});
}

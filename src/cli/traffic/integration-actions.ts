import { attributeOf, type Flags } from "../arguments.ts";
import { authenticatedClient } from "../client/session.ts";
import { errNothingToUpdate } from "../errors.ts";
import { flagOf, type IntegrationKind, type IntegrationSetter } from "../integrations.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { parseChoice, parseKeyValues, positionalId } from "./arguments.ts";

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
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call("GET", pathOf(kind, app, id), {
    query: { field_mask: fields.length > 0 ? fields : undefined },
  });
  createPrinter(io, flags).entity(json);
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
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call<Record<string, unknown[]>>("GET", pathOf(kind, app), {
    query: { field_mask: fields.length > 0 ? fields : undefined },
  });
  createPrinter(io, flags).list(json[kind.listField] ?? []);
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
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call("PUT", pathOf(kind, app, id), {
    body: { [kind.bodyField]: { ...entity, ids }, field_mask: { paths } },
  });
  createPrinter(io, flags).entity(json);
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
  const client = await authenticatedClient(flags, io.env);
  await client.call("DELETE", pathOf(kind, app, id));
  createPrinter(io, flags).note(`deleted ${kind.noun} ${id} of application ${app}`);
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

/** Sets `a.b.c` of `target`, making the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

import {
  accountIds,
  accountOf,
  accountPath,
  entityId,
  type Flags,
  paging,
  selectedFields,
  settersOf,
} from "../arguments.ts";
import type { EntityKind } from "../entities.ts";
import { errNothingToUpdate } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { callAndNote, callAndPrint, listAndPrint } from "./show.ts";

/** `/applications/my-app`. */
export function entityPath(kind: EntityKind, id: string): string {
  return `/${kind.collection}/${encodeURIComponent(id)}`;
}

/** `<kind> create`: under the owner given, or (users) at the collection. */
export async function createEntity(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const owner = kind.owners.length > 0 ? accountOf(kind.owners, flags, true) : undefined;
  const { entity } = settersOf(kind, flags, "create");
  const ids = { ...((entity.ids as object | undefined) ?? {}), [kind.idField]: id };
  const body: Record<string, unknown> = { [kind.kind]: { ...entity, ids } };
  if (owner) body.collaborator = accountIds(owner);
  const path = owner ? `${accountPath(owner)}/${kind.collection}` : `/${kind.collection}`;
  await callAndPrint(flags, io, "POST", path, { body });
}

/** `<kind> get`, with the field mask of the selector flags. */
export async function getEntity(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const fields = selectedFields(kind, flags);
  await callAndPrint(flags, io, "GET", entityPath(kind, id), {
    query: { field_mask: fields.length > 0 ? fields : undefined },
  });
}

/** `<kind> list`: the caller's, a user's or an organization's; deleted ones with `--deleted`. */
export async function listEntities(kind: EntityKind, flags: Flags, io: CommandIO): Promise<void> {
  const owner = accountOf(kind.owners, flags, false);
  const fields = selectedFields(kind, flags);
  const query = {
    field_mask: fields.length > 0 ? fields : undefined,
    ...paging(flags),
    order: flags.order as string | undefined,
    deleted: flags.deleted === true ? true : undefined,
  };
  const path = owner ? `${accountPath(owner)}/${kind.collection}` : `/${kind.collection}`;
  await listAndPrint(flags, io, path, kind.collection, { query });
}

/** `<kind> update`: the given fields, and a field mask of exactly those. */
export async function updateEntity(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const { entity, paths } = settersOf(kind, flags, "update");
  if (paths.length === 0) {
    const flagsList = kind.setters.filter((setter) => !setter.createOnly);
    throw errNothingToUpdate.create({
      flags: flagsList.map((setter) => `--${setter.flag}`).join(", "),
    });
  }
  const ids = { ...((entity.ids as object | undefined) ?? {}), [kind.idField]: id };
  await callAndPrint(flags, io, "PUT", entityPath(kind, id), {
    body: { [kind.kind]: { ...entity, ids }, field_mask: { paths } },
  });
}

/** The REST call of each lifecycle verb. */
const lifecycleCalls = {
  delete: { method: "DELETE", suffix: "", done: "deleted" },
  restore: { method: "POST", suffix: "/restore", done: "restored" },
  purge: { method: "DELETE", suffix: "/purge", done: "purged" },
} as const;

/** `<kind> delete|restore|purge`: nothing on stdout, a note on stderr. */
export async function lifecycleEntity(
  kind: EntityKind,
  verb: keyof typeof lifecycleCalls,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const call = lifecycleCalls[verb];
  await callAndNote(
    flags,
    io,
    call.method,
    `${entityPath(kind, id)}${call.suffix}`,
    `${call.done} ${kind.kind} ${id}`,
  );
}

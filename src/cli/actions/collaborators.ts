import { accountIds, entityId, type Flags, paging, requiredAccount } from "../arguments.ts";
import { authenticatedClient } from "../client/session.ts";
import type { EntityKind } from "../entities.ts";
import { errMissingFlag } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { rightsFromFlags } from "../rights-options.ts";
import { entityPath } from "./entities.ts";

/** `set`: the collaborator's rights become exactly the flags given. */
export async function setCollaborator(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const collaborator = requiredAccount(kind.collaborators, flags);
  const rights = rightsFromFlags(kind.kind, flags);
  if (rights.length === 0) throw errMissingFlag.create({ flags: "--right-... (at least one)" });
  const client = await authenticatedClient(flags, io.env);
  await client.call("PUT", `${entityPath(kind, id)}/collaborators`, {
    body: { collaborator: { ids: accountIds(collaborator), rights } },
  });
  createPrinter(io, flags).note(
    `${collaborator.kind} ${collaborator.id} is a collaborator of ${kind.kind} ${id}`,
  );
}

/** `/applications/app/collaborator/user/bob` (the segment's spelling is per kind, as in TTS). */
function collaboratorPath(
  kind: EntityKind,
  id: string,
  flags: Flags,
  segment: "collaborator" | "collaborators",
): string {
  const collaborator = requiredAccount(kind.collaborators, flags);
  return `${entityPath(kind, id)}/${segment}/${collaborator.kind}/${encodeURIComponent(collaborator.id)}`;
}

export async function getCollaborator(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const path = collaboratorPath(kind, id, flags, "collaborator");
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call("GET", path);
  createPrinter(io, flags).entity(json);
}

export async function listCollaborators(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const query = paging(flags);
  const client = await authenticatedClient(flags, io.env);
  const { json, totalCount } = await client.call<{ collaborators?: unknown[] }>(
    "GET",
    `${entityPath(kind, id)}/collaborators`,
    { query },
  );
  createPrinter(io, flags).list(json.collaborators ?? [], totalCount);
}

export async function deleteCollaborator(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const path = collaboratorPath(kind, id, flags, kind.collaboratorDeleteSegment);
  const client = await authenticatedClient(flags, io.env);
  await client.call("DELETE", path);
  createPrinter(io, flags).note(`removed the collaborator of ${kind.kind} ${id}`);
}

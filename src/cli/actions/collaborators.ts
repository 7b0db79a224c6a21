import { accountIds, entityId, type Flags, paging, requiredAccount } from "../arguments.ts";
import type { EntityKind } from "../entities.ts";
import { errMissingFlag } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { rightsFromFlags } from "../rights-options.ts";
import { entityPath } from "./entities.ts";
import { callAndNote, callAndPrint, listAndPrint } from "./show.ts";

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
  await callAndNote(
    flags,
    io,
    "PUT",
    `${entityPath(kind, id)}/collaborators`,
    `${collaborator.kind} ${collaborator.id} is a collaborator of ${kind.kind} ${id}`,
    { body: { collaborator: { ids: accountIds(collaborator), rights } } },
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
  await callAndPrint(flags, io, "GET", path);
}

export async function listCollaborators(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  await listAndPrint(flags, io, `${entityPath(kind, id)}/collaborators`, "collaborators", {
    query: paging(flags),
  });
}

export async function deleteCollaborator(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const path = collaboratorPath(kind, id, flags, kind.collaboratorDeleteSegment);
  await callAndNote(flags, io, "DELETE", path, `removed the collaborator of ${kind.kind} ${id}`);
}

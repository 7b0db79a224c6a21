import { entityId, type Flags, paging, parseTimestamp } from "../arguments.ts";
import { authenticatedClient } from "../client/session.ts";
import type { EntityKind } from "../entities.ts";
import { errMissingFlag, errMissingId, errNothingToUpdate } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { rightsFromFlags } from "../rights-options.ts";
import { entityPath } from "./entities.ts";
import { callAndNote, callAndPrint, listAndPrint } from "./show.ts";

/** `/applications/my-app/api-keys`. */
function keysPath(kind: EntityKind, id: string): string {
  return `${entityPath(kind, id)}/api-keys`;
}

/** The key ID from the argument or `--api-key-id`. */
function keyIdOf(argument: string | undefined, flags: Flags): string {
  const keyId = argument ?? (flags.apiKeyId as string | undefined);
  if (!keyId) throw errMissingId.create({ field: "api_key_id", flag: "api-key-id" });
  return keyId;
}

/** `--expires-at` or ttn-lw-cli's `--api-key-expiry`. */
function expiryOf(flags: Flags): string | undefined {
  if (typeof flags.expiresAt === "string") return parseTimestamp("expires-at", flags.expiresAt);
  if (typeof flags.apiKeyExpiry === "string")
    return parseTimestamp("api-key-expiry", flags.apiKeyExpiry);
  return undefined;
}

/** `<kind> api-keys create`: prints the key (its secret shown this once). */
export async function createApiKey(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const rights = rightsFromFlags(kind.kind, flags);
  if (rights.length === 0) throw errMissingFlag.create({ flags: "--right-... (at least one)" });
  const expiresAt = expiryOf(flags);
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call("POST", keysPath(kind, id), {
    body: {
      name: (flags.name as string | undefined) ?? "",
      rights,
      ...(expiresAt ? { expires_at: expiresAt } : {}),
    },
  });
  const printer = createPrinter(io, flags);
  printer.entity(json);
  printer.note("The key (`key`) is shown only this once: store it now.");
}

export async function listApiKeys(
  kind: EntityKind,
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  await listAndPrint(flags, io, keysPath(kind, id), "api_keys", { query: paging(flags) });
}

export async function getApiKey(
  kind: EntityKind,
  argument: string | undefined,
  keyArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const keyId = keyIdOf(keyArgument, flags);
  await callAndPrint(flags, io, "GET", `${keysPath(kind, id)}/${encodeURIComponent(keyId)}`);
}

/** `<kind> api-keys update`: the name, rights and expiry given, with their field mask. */
export async function updateApiKey(
  kind: EntityKind,
  argument: string | undefined,
  keyArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const keyId = keyIdOf(keyArgument, flags);
  const apiKey: Record<string, unknown> = { id: keyId };
  const paths: string[] = [];
  if (typeof flags.name === "string") {
    apiKey.name = flags.name;
    paths.push("name");
  }
  const rights = rightsFromFlags(kind.kind, flags);
  if (rights.length > 0) {
    apiKey.rights = rights;
    paths.push("rights");
  }
  const expiresAt = expiryOf(flags);
  if (expiresAt) {
    apiKey.expires_at = expiresAt;
    paths.push("expires_at");
  }
  if (paths.length === 0)
    throw errNothingToUpdate.create({ flags: "--name, --right-..., --expires-at" });
  await callAndPrint(flags, io, "PUT", `${keysPath(kind, id)}/${encodeURIComponent(keyId)}`, {
    body: { api_key: apiKey, field_mask: { paths } },
  });
}

export async function deleteApiKey(
  kind: EntityKind,
  argument: string | undefined,
  keyArgument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = entityId(kind, argument, flags);
  const keyId = keyIdOf(keyArgument, flags);
  await callAndNote(
    flags,
    io,
    "DELETE",
    `${keysPath(kind, id)}/${encodeURIComponent(keyId)}`,
    `deleted API key ${keyId} of ${kind.kind} ${id}`,
  );
}

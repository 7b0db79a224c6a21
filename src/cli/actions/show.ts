import type { Flags } from "../arguments.ts";
import type { CallOptions } from "../client/api-client.ts";
import { authenticatedClient } from "../client/session.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";

/**
 * The shape most client commands end in: one call with the session's client (`flags` names
 * the server), then its answer printed by `--json` or the terminal. Everything a command
 * checks comes before, so a usage error never gets this far.
 */

/** Calls and prints the answer as one entity. */
export async function callAndPrint(
  flags: Flags,
  io: CommandIO,
  method: string,
  path: string,
  options?: CallOptions,
): Promise<void> {
  const client = await authenticatedClient(flags, io.env);
  const { json } = await client.call(method, path, options);
  createPrinter(io, flags).entity(json);
}

/** `GET`s a list and prints the entries under `field`, with the server's total of all pages. */
export async function listAndPrint(
  flags: Flags,
  io: CommandIO,
  path: string,
  field: string,
  options?: CallOptions,
): Promise<void> {
  const client = await authenticatedClient(flags, io.env);
  const { json, totalCount } = await client.call<Record<string, unknown[] | undefined>>(
    "GET",
    path,
    options,
  );
  createPrinter(io, flags).list(json[field] ?? [], totalCount);
}

/** Calls and, once it succeeded, says `note` on stderr: nothing on stdout (delete, push). */
export async function callAndNote(
  flags: Flags,
  io: CommandIO,
  method: string,
  path: string,
  note: string,
  options?: CallOptions,
): Promise<void> {
  const client = await authenticatedClient(flags, io.env);
  await client.call(method, path, options);
  createPrinter(io, flags).note(note);
}

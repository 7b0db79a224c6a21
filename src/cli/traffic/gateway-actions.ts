import { writeFile } from "node:fs/promises";
import { callAndPrint } from "../actions/show.ts";
import { type Flags, positionalId } from "../arguments.ts";
import { errUnreachable } from "../client/errors.ts";
import { authenticatedClient } from "../client/session.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { errOutputFile } from "./errors.ts";

function gatewayOf(argument: string | undefined, flags: Flags): string {
  return positionalId("gateway_id", "gateway-id", argument, flags);
}

/** `gateways connection-stats`: `GET /gs/gateways/{id}/connection/stats`. */
export async function connectionStats(
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = gatewayOf(argument, flags);
  await callAndPrint(flags, io, "GET", `/gs/gateways/${encodeURIComponent(id)}/connection/stats`);
}

/**
 * `gateways global-conf`: the file as the server wrote it (tab-indented, as The Things Stack
 * serves it), to stdout or `--output`. The file is written only once the whole answer came.
 */
export async function globalConf(
  argument: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const id = gatewayOf(argument, flags);
  const client = await authenticatedClient(flags, io.env);
  const response = await client.open(
    "GET",
    `/gcs/gateways/${encodeURIComponent(id)}/semtechudp/global_conf.json`,
  );
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw errUnreachable.create({ server: client.server, reason: String(error) }, error);
  }
  if (!text.endsWith("\n")) text += "\n";
  const output = flags.output as string | undefined;
  if (output === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await writeFile(output, text, { mode: 0o644 });
  } catch (error) {
    throw errOutputFile.create({ path: output, reason: (error as Error).message });
  }
  createPrinter(io, flags).note(`wrote ${output}`);
}

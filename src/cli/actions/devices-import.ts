import { readFile } from "node:fs/promises";
import type { Flags } from "../arguments.ts";
import type { ApiClient } from "../client/api-client.ts";
import { errApi } from "../client/errors.ts";
import { authenticatedClient } from "../client/session.ts";
import { errImportFailed, errImportFile } from "../devices/errors.ts";
import { type ImportRecord, parseImport } from "../devices/import-records.ts";
import { completeNewDevice, type ServerFacts, serverFacts } from "../devices/new-device.ts";
import { createDevice } from "../devices/registry-calls.ts";
import { parseVersion } from "../devices/versions.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";

/** Devices registered at once: enough to keep the servers busy, few enough to be fair. */
const concurrency = 8;

/** One record that was not created, for the summary. */
interface Failure {
  line: number;
  device_id?: string;
  error: string;
}

/**
 * `end-devices import [file]`: every record of the file (stdin when none or `-`) created in
 * all four registries as `create` does, `concurrency` at a time; a progress bar on stderr when
 * it is a terminal; a summary (created, failed, and each failure's line and reason) on stdout;
 * exit 1 when any failed. `--dry-run` reads and checks the file only.
 */
export async function importEndDevices(
  file: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const path = file === undefined || file === "-" ? "stdin" : file;
  const text = await readSource(file, io);
  const version = (flag: string, kind: "mac" | "phy") => {
    const given = flags[flag] as string | undefined;
    return given === undefined ? undefined : parseVersion(kind, flag, given);
  };
  const records = parseImport(text, path, {
    applicationId: flags.applicationId as string | undefined,
    frequencyPlanId: flags.frequencyPlanId as string | undefined,
    lorawanVersion: version("lorawanVersion", "mac"),
    lorawanPhyVersion: version("lorawanPhyVersion", "phy"),
  });
  const printer = createPrinter(io, flags);
  const failures: Failure[] = records
    .filter((record) => record.error !== undefined)
    .map((record) => failure(record, record.error as string));
  const valid = records.filter((record) => record.change !== undefined);
  let created = 0;
  if (flags.dryRun !== true && valid.length > 0) {
    const client = await authenticatedClient(flags, io.env);
    const progress = progressBar(io, valid.length);
    const facts = serverFacts(client);
    const host = new URL(client.server).host;
    await eachBounded(valid, concurrency, async (record) => {
      try {
        await importOne(client, record, facts, host);
        created++;
      } catch (error) {
        failures.push(failure(record, reasonOf(error)));
      }
      progress.tick();
    });
    progress.done();
  }
  failures.sort((a, b) => a.line - b.line);
  for (const { line, device_id, error } of failures)
    printer.note(`line ${line}${device_id ? ` (${device_id})` : ""}: ${error}`);
  printer.entity({
    ...(flags.dryRun === true ? { dry_run: true, valid: valid.length } : { created }),
    failed: failures.length,
    failures,
  });
  if (failures.length > 0)
    throw errImportFailed.create({ failed: failures.length, total: records.length });
}

async function importOne(
  client: ApiClient,
  record: ImportRecord,
  facts: ServerFacts,
  host: string,
): Promise<void> {
  const change = record.change;
  if (!change) return;
  await completeNewDevice(
    change,
    {
      abp: change.device.supports_join === false,
      defaults: true,
      withRootKeys: false,
      withSession: false,
    },
    facts,
    host,
  );
  // Rollback notes of one device among a thousand would only be noise: the failure says it.
  await createDevice(client, change.device, change.paths, () => {});
}

function failure(record: ImportRecord, error: string): Failure {
  return {
    line: record.line,
    ...(record.deviceId === undefined ? {} : { device_id: record.deviceId }),
    error,
  };
}

/** The API's message and error name on one line; other errors' messages. */
function reasonOf(error: unknown): string {
  if (errApi.matches(error)) return `${error.attributes.message} (${error.attributes.error_name})`;
  return (error as Error).message;
}

async function readSource(file: string | undefined, io: CommandIO): Promise<string> {
  if (file === undefined || file === "-") {
    if (!io.readStdin) throw errImportFile.create({ path: "stdin", reason: "no standard input" });
    return io.readStdin();
  }
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw errImportFile.create({ path: file, reason: (error as Error).message });
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A bar on stderr when it is a terminal, redrawn at most every 100 ms; nothing otherwise. */
function progressBar(io: CommandIO, total: number): { tick(): void; done(): void } {
  if (io.stderrIsTerminal !== true) return { tick() {}, done() {} };
  let count = 0;
  let drawnAt = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((count / total) * width);
    io.stderr(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${count}/${total}`);
  };
  return {
    tick() {
      count++;
      const now = Date.now();
      if (now - drawnAt >= 100 || count === total) {
        drawnAt = now;
        draw();
      }
    },
    done() {
      draw();
      io.stderr("\n");
    },
  };
}

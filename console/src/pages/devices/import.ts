/**
 * Importing end devices in the Console: the same files as `lorastack end-devices import` (The
 * Things Stack's end device JSON, or the CSV of TTS's Console with the columns of
 * docs/cli.md), read by the CLI's own parser, each record completed as the CLI's
 * `--defaults` does and created in every registry, a few at a time.
 */
import type { DeviceChange } from "../../../../src/cli/devices/device-flags.ts";
import { type ImportRecord, parseImport } from "../../../../src/cli/devices/import-records.ts";
import { createDevice, type DeviceApi, getPath, setPath } from "./registry.ts";

export type { ImportRecord };

/** One record that was not created, for the summary. */
export interface ImportFailure {
  line: number;
  deviceId?: string;
  error: string;
}

/** What the form gives records that lack them. */
export interface ImportOptions {
  frequencyPlanId?: string;
  lorawanVersion?: string;
  lorawanPhyVersion?: string;
}

/**
 * The records of a file's text for application `appId`: each a device to create or the reason
 * it is refused. A file that is neither JSON nor CSV is `{ error }`.
 */
export function readImportFile(
  text: string,
  fileName: string,
  appId: string,
  options: ImportOptions,
): { records: ImportRecord[] } | { error: string } {
  try {
    const records = parseImport(text, fileName, { applicationId: appId, ...options });
    // The CLI's parser names columns as its flags (`--dev_eui`): here they are columns.
    for (const record of records)
      if (record.error) record.error = record.error.replace(/--(?=[a-z])/g, "");
    // A JSON record of another application is imported into this one, as its IDs are ours.
    for (const record of records)
      if (record.change)
        setPath(record.change.device, "ids.application_ids", { application_id: appId });
    return { records };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function setField(change: DeviceChange, path: string, value: unknown) {
  setPath(change.device, path, value);
  if (!change.paths.includes(path)) change.paths.push(path);
}

/**
 * Completes a record for creation as the CLI's `--defaults` does: the Identity Server records
 * this stack's host for the servers of the device, and an OTAA device without a JoinEUI gets
 * the Join Server's default one.
 */
export function completeRecord(change: DeviceChange, host: string, defaultJoinEui: string) {
  const { device } = change;
  const joins = device.supports_join !== false;
  setField(change, "supports_join", joins);
  for (const field of ["network_server_address", "application_server_address"])
    if (device[field] === undefined) setField(change, field, host);
  if (!joins) return;
  if (device.join_server_address === undefined) setField(change, "join_server_address", host);
  if (getPath(device, "ids.join_eui") === undefined)
    setField(change, "ids.join_eui", defaultJoinEui);
}

/** The API's human message of an error, with TTS's error name when it has one. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const human = /error:\S+ \((.*)\)/s.exec(message);
  return human ? message.replace(human[0], human[1] ?? "") : message;
}

/**
 * Creates every valid record, `concurrency` at a time, calling `onProgress(done, total)` after
 * each; resolves the number created and each failure (the file's refusals included), by line.
 */
export async function runImport(
  api: DeviceApi,
  records: readonly ImportRecord[],
  context: {
    host: string;
    defaultJoinEui: () => Promise<string>;
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    signal?: AbortSignal;
  },
): Promise<{ created: number; failures: ImportFailure[] }> {
  const failures: ImportFailure[] = records
    .filter((record) => record.error !== undefined)
    .map((record) => failure(record, record.error as string));
  const valid = records.filter((record) => record.change !== undefined);
  let created = 0;
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < valid.length) {
      const record = valid[next++] as ImportRecord;
      if (context.signal?.aborted) {
        failures.push(failure(record, "Cancelled"));
      } else {
        try {
          const change = record.change as DeviceChange;
          const joins = change.device.supports_join !== false;
          completeRecord(change, context.host, joins ? await context.defaultJoinEui() : "");
          await createDevice(api, change.device, change.paths);
          created++;
        } catch (error) {
          failures.push(failure(record, reasonOf(error)));
        }
      }
      done++;
      context.onProgress?.(done, valid.length);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(context.concurrency ?? 4, valid.length) }, worker),
  );
  failures.sort((a, b) => a.line - b.line);
  return { created, failures };
}

function failure(record: ImportRecord, error: string): ImportFailure {
  return {
    line: record.line,
    ...(record.deviceId === undefined ? {} : { deviceId: record.deviceId }),
    error,
  };
}

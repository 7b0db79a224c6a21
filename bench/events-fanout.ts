/**
 * Event stream fan-out (`node bench/events-fanout.ts`): starts the real program, opens STREAMS
 * (default 2,000) REST event streams of one caller on one application, and measures how long
 * an application update takes to reach every stream (from the `PUT` to the last stream's line),
 * UPDATES times (default 20), for 100 streams and for all of them:
 *
 * 1. plain fan-out: one update, every stream sends it;
 * 2. after a rights change that concerns every stream (a collaborator of the application
 *    changed): each stream re-checks its rights (through the rights cache) before it sends the
 *    update that follows.
 *
 * `events.stream.max_per_caller` is turned off so that one caller can hold them all, as before
 * the cap (by default one account holds at most 100 per instance). The numbers are for one
 * machine under whatever else it runs; compare runs made on the same machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLorastack, startLorastack } from "../test/harness/lorastack-process.ts";

const STREAMS = Number(process.env.STREAMS ?? 2_000);
const UPDATES = Number(process.env.UPDATES ?? 20);

const dataDir = await mkdtemp(join(tmpdir(), "lorastack-bench-events-"));
const must = async (args: string[]) => {
  const result = await runLorastack(args, { dataDir });
  if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
};
await must(["is-db", "init"]);
await must([
  "is-db",
  "create-admin-user",
  "--id",
  "admin",
  "--email",
  "admin@example.com",
  "--password",
  "Correct-Horse1",
]);
const key = (await must(["is-db", "create-api-key", "--user-id", "admin"]))
  .trim()
  .split("\n")
  .at(-1) as string;
const stack = await startLorastack({
  dataDir,
  env: { LORASTACK_EVENTS_STREAM_MAX_PER_CALLER: "0" },
});

async function api(method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${method} ${path}: ${await response.text()}`);
}

await api("POST", "/users/admin/applications", {
  application: { ids: { application_id: "app-a" } },
});
await api("POST", "/users", {
  user: {
    ids: { user_id: "dummy" },
    primary_email_address: "dummy@example.com",
    password: "Correct-Horse1",
  },
});

/** One open stream: how many `application.update` lines it got, and how many are awaited. */
interface Reader {
  updates: number;
  expected: number;
  abort: AbortController;
}
const readers: Reader[] = [];
let waiting: { count: number; resolve: () => void } | undefined;

async function openStream(): Promise<void> {
  const reader: Reader = { updates: 0, expected: 0, abort: new AbortController() };
  const response = await fetch(`${stack.httpUrl}/api/v3/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      identifiers: [{ application_ids: { application_id: "app-a" } }],
      names: ["application.update"],
    }),
    signal: reader.abort.signal,
  });
  if (response.status !== 200) throw new Error(`stream: ${response.status}`);
  const body = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let started: () => void = () => {};
  const start = new Promise<void>((resolve) => {
    started = resolve;
  });
  void (async () => {
    let text = "";
    for (;;) {
      const { value, done } = await body.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let newline = text.indexOf("\n");
      while (newline >= 0) {
        const line = text.slice(0, newline);
        text = text.slice(newline + 1);
        if (line.includes('"events.stream.start"')) started();
        else if (line.includes('"application.update"')) {
          reader.updates++;
          if (waiting && reader.updates === reader.expected && ++waiting.count === readers.length)
            waiting.resolve();
        } else if (line.includes('"error"')) console.error(`stream ended: ${line}`);
        newline = text.indexOf("\n");
      }
    }
  })();
  await start;
  readers.push(reader);
}

/** Milliseconds from before `change` until every stream got the next update. */
async function updateReachesAll(before?: () => Promise<void>): Promise<number> {
  for (const reader of readers) reader.expected = reader.updates + 1;
  const all = new Promise<void>((resolve) => {
    waiting = { count: 0, resolve };
  });
  const began = performance.now();
  await before?.();
  await api("PUT", "/applications/app-a", {
    application: { ids: { application_id: "app-a" }, description: `at ${began}` },
    field_mask: { paths: ["description"] },
  });
  await all;
  return performance.now() - began;
}

let collaboratorRights = 0;
const rightsChange = () =>
  api("PUT", "/applications/app-a/collaborators", {
    collaborator: {
      ids: { user_ids: { user_id: "dummy" } },
      rights: [
        ++collaboratorRights % 2 ? "RIGHT_APPLICATION_INFO" : "RIGHT_APPLICATION_TRAFFIC_READ",
      ],
    },
  });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(label: string, before?: () => Promise<void>): Promise<void> {
  const times: number[] = [];
  for (let index = 0; index < UPDATES; index++) times.push(await updateReachesAll(before));
  console.log(
    `${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(5)} ms`,
  );
}

try {
  for (const count of [100, STREAMS]) {
    while (readers.length < count) {
      const batch = Math.min(100, count - readers.length);
      await Promise.all(Array.from({ length: batch }, openStream));
    }
    await measure(`${count} streams, one update`);
    await measure(`${count} streams, rights change then update`, rightsChange);
  }
} finally {
  for (const reader of readers) reader.abort.abort();
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}

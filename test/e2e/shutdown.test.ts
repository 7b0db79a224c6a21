import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { runLorastack, startLorastack } from "../harness/lorastack-process.ts";

it("ends open event streams at shutdown instead of waiting out shutdown_timeout", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-shutdown-"));
  try {
    await runLorastack(
      [
        "is-db",
        "create-admin-user",
        "--id",
        "admin",
        "--email",
        "a@example.com",
        "--password",
        "Correct-Horse1",
      ],
      {
        dataDir,
      },
    );
    const key = (
      await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], { dataDir })
    ).stdout
      .trim()
      .split("\n")
      .at(-1);
    const stack = await startLorastack({ dataDir, env: { LORASTACK_SHUTDOWN_TIMEOUT: "60s" } });
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const created = await fetch(`${stack.httpUrl}/api/v3/users/admin/applications`, {
      method: "POST",
      headers,
      body: JSON.stringify({ application: { ids: { application_id: "app-a" } } }),
    });
    assert.equal(created.status, 200);
    const stream = await fetch(`${stack.httpUrl}/api/v3/events`, {
      method: "POST",
      headers,
      body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app-a" } }] }),
    });
    assert.equal(stream.status, 200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the stream is open: its first event has arrived

    const started = Date.now();
    const exit = await stack.stop("SIGINT");
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(
      Date.now() - started < 15_000,
      "the open stream did not hold the shutdown for the 60 s timeout",
    );
    for (let result = await reader.read(); !result.done; result = await reader.read()) {
      // the rest of the stream, until the server ended it
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

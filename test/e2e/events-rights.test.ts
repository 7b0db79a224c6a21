import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import {
  apiOf,
  appA,
  type EventStream,
  initialize,
  type Json,
  keyOf,
  lorastackCommand,
  openStream,
  within,
} from "./events-client.ts";

/** Every line a stream sends until it ends (bounded, so that a stream left open fails). */
async function remainingLines(stream: EventStream): Promise<Json[]> {
  const lines: Json[] = [];
  for (;;) {
    try {
      lines.push(await within(stream.next(), 10_000));
    } catch (error) {
      if ((error as Error).message === "stream ended") return lines;
      throw error;
    }
  }
}

/**
 * Event streams lose what their caller loses (issue 9, point 10): a stream whose key is deleted,
 * or whose caller is removed as a collaborator, ends before the next event it would have sent;
 * and an account may hold only `events.stream.max_per_caller` streams open.
 */
describe("event streams and rights that change, through the real program", () => {
  let dataDir: string;
  let stack: LorastackProcess;
  let admin: ReturnType<typeof apiOf>;
  let adminKey: string;
  let bobKey: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-events-rights-"));
    adminKey = await initialize(dataDir);
    stack = await startLorastack({
      dataDir,
      env: { LORASTACK_EVENTS_STREAM_MAX_PER_CALLER: "3" },
    });
    admin = apiOf(stack, adminKey);
    for (const [path, body] of [
      ["/users/admin/applications", { application: { ids: { application_id: "app-a" } } }],
      ["/users/admin/applications", { application: { ids: { application_id: "app-b" } } }],
      [
        "/users",
        {
          user: {
            ids: { user_id: "bob" },
            primary_email_address: "bob@example.com",
            password: "Correct-Horse1",
          },
        },
      ],
    ] as const) {
      const created = await admin("POST", path, body);
      assert.equal(created.status, 200, JSON.stringify(created.json));
    }
    bobKey = keyOf(
      await lorastackCommand(dataDir, ["is-db", "create-api-key", "--user-id", "bob"]),
    );
  });

  after(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("ends a stream whose API key is deleted before it sends another event", async () => {
    const created = await admin("POST", "/applications/app-a/api-keys", {
      name: "watcher",
      rights: ["RIGHT_APPLICATION_INFO"],
    });
    assert.equal(created.status, 200);
    const stream = await openStream(stack, created.json.key, { identifiers: [appA] });
    assert.equal(stream.status, 200);
    try {
      assert.equal((await stream.next()).result.name, "events.stream.start");
      const deleted = await admin("DELETE", `/applications/app-a/api-keys/${created.json.id}`);
      assert.equal(deleted.status, 200);
      const updated = await admin("PUT", "/applications/app-a", {
        application: { ids: { application_id: "app-a" }, description: "after the key" },
        field_mask: { paths: ["description"] },
      });
      assert.equal(updated.status, 200);
      const lines = await remainingLines(stream);
      assert.deepEqual(
        lines.map((line) => line.result?.name ?? line.error?.details?.[0]?.name),
        ["unknown_token"],
        "no application.update after the key is gone",
      );
      assert.equal(lines[0]?.error.code, 16);
    } finally {
      stream.close();
    }
  });

  it("ends the stream of a collaborator removed from the application: no application.delete", async () => {
    const set = await admin("PUT", "/applications/app-b/collaborators", {
      collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_APPLICATION_INFO"] },
    });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    const stream = await openStream(stack, bobKey, {
      identifiers: [{ application_ids: { application_id: "app-b" } }],
    });
    assert.equal(stream.status, 200);
    try {
      assert.equal((await stream.next()).result.name, "events.stream.start");
      const renamed = await admin("PUT", "/applications/app-b", {
        application: { ids: { application_id: "app-b" }, name: "seen by bob" },
        field_mask: { paths: ["name"] },
      });
      assert.equal(renamed.status, 200);
      assert.equal((await within(stream.next(), 10_000)).result.name, "application.update");

      const removed = await admin("DELETE", "/applications/app-b/collaborator/user/bob");
      assert.equal(removed.status, 200, JSON.stringify(removed.json));
      assert.equal((await admin("DELETE", "/applications/app-b")).status, 200);
      const lines = await remainingLines(stream);
      assert.deepEqual(
        lines.map((line) => line.result?.name ?? line.error?.details?.[0]?.name),
        ["no_rights"],
        "neither the deletion nor anything else after the removal",
      );
      assert.equal(lines[0]?.error.code, 7);
    } finally {
      stream.close();
    }
  });

  it("holds an account to events.stream.max_per_caller open streams, other accounts aside", async () => {
    const open: EventStream[] = [];
    try {
      for (let index = 0; index < 3; index++) {
        const stream = await openStream(stack, adminKey, { identifiers: [appA] });
        assert.equal(stream.status, 200);
        assert.equal((await stream.next()).result.name, "events.stream.start");
        open.push(stream);
      }
      const refused = await openStream(stack, adminKey, { identifiers: [appA] });
      assert.equal(refused.status, 429);
      const error = (await refused.next()).error;
      assert.equal(error.code, 8);
      assert.equal(error.details[0].name, "too_many_streams");

      const created = await admin("POST", "/applications/app-a/api-keys", {
        name: "other account",
        rights: ["RIGHT_APPLICATION_INFO"],
      });
      const other = await openStream(stack, created.json.key, { identifiers: [appA] });
      assert.equal(other.status, 200, "an application key counts against the application");
      open.push(other);
    } finally {
      for (const stream of open) stream.close();
    }
  });
});

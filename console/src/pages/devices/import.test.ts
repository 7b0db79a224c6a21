import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readImportFile, runImport } from "./import.ts";
import type { DeviceApi } from "./registry.ts";

const csv = [
  "id;dev_eui;join_eui;app_key;name",
  "dev-a;70B3D57ED0000001;;000102030405060708090A0B0C0D0E0F;A",
  "dev-b;70B3D57ED0000002;0000000000000001;000102030405060708090A0B0C0D0E0F;B",
  "dev-c;not-an-eui;;000102030405060708090A0B0C0D0E0F;C",
].join("\n");

function recordingApi(failFor?: string): DeviceApi & { bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  const answer = async <T>(path: string, body?: unknown) => {
    if (failFor && path.includes(failFor) && path.startsWith("/ns/"))
      throw new Error("error:networkserver:bad (frequency plan `X` not found)");
    if (body) bodies.push(body as Record<string, unknown>);
    return {} as T;
  };
  return {
    bodies,
    get: (path) => answer(path),
    post: (path, body) => answer(path, body),
    put: (path, body) => answer(path, body),
    del: (path) => answer(path),
  };
}

describe("importing end devices", () => {
  it("reads the CLI's CSV, refusing bad rows with their line", () => {
    const read = readImportFile(csv, "devices.csv", "app1", { frequencyPlanId: "EU_863_870_TTN" });
    assert.ok("records" in read);
    assert.equal(read.records.length, 3);
    assert.equal(read.records[0]?.deviceId, "dev-a");
    assert.equal(read.records[2]?.line, 4);
    assert.match(read.records[2]?.error ?? "", /dev_eui/);
    assert.doesNotMatch(read.records[2]?.error ?? "", /--/, "columns, not CLI flags");
    const device = read.records[0]?.change?.device as Record<string, unknown>;
    assert.equal(device.frequency_plan_id, "EU_863_870_TTN");
    assert.deepEqual((device.ids as Record<string, unknown>).application_ids, {
      application_id: "app1",
    });
  });

  it("says what is wrong with a file that is neither CSV nor JSON", () => {
    const read = readImportFile("[1, 2", "x.json", "app1", {});
    assert.ok("error" in read);
    assert.match(read.error, /x\.json/);
  });

  it("creates the valid records with defaults, reporting progress and each failure", async () => {
    const read = readImportFile(csv, "devices.csv", "app1", { frequencyPlanId: "EU_863_870_TTN" });
    assert.ok("records" in read);
    const api = recordingApi("dev-b");
    const progress: string[] = [];
    let joinEuiAsked = 0;
    const result = await runImport(api, read.records, {
      host: "stack.example",
      defaultJoinEui: async () => {
        joinEuiAsked++;
        return "70B3D57ED0000000";
      },
      concurrency: 1,
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });
    assert.equal(result.created, 1);
    assert.deepEqual(
      result.failures.map((failure) => [failure.line, failure.deviceId]),
      [
        [3, "dev-b"],
        [4, undefined],
      ],
    );
    assert.equal(result.failures[0]?.error, "Network Server: frequency plan `X` not found");
    assert.deepEqual(progress, ["1/2", "2/2"]);
    assert.ok(joinEuiAsked >= 1);
    const isBody = api.bodies[0] as { end_device: Record<string, unknown> };
    assert.equal(isBody.end_device.network_server_address, "stack.example");
    assert.equal(
      (isBody.end_device.ids as Record<string, unknown>).join_eui,
      "70B3D57ED0000000",
      "the default JoinEUI for a row without one",
    );
  });
});

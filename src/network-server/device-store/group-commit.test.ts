import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clone, create } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { errIndexValueTaken } from "../../storage/message-store/index.ts";
import type { DeviceChange, DeviceKey } from "../registry/registry.ts";
import { type CommittedBatch, GroupCommit } from "./group-commit.ts";

const key = (deviceId: string): DeviceKey => ({ applicationId: "app1", deviceId });
const device = (deviceId: string, name = "") =>
  create(EndDeviceSchema, { ids: { applicationIds: { applicationId: "app1" }, deviceId }, name });

/** A registry in a Map: each updateMany applies its changes in order, all or nothing. */
function mapRegistry(options: { clash?: (device: EndDevice) => boolean } = {}) {
  const stored = new Map<string, EndDevice>();
  const batches: number[] = [];
  return {
    stored,
    batches,
    async updateMany(changes: readonly { key: DeviceKey; change: DeviceChange }[]) {
      batches.push(changes.length);
      const next = new Map(stored);
      const results: (EndDevice | undefined)[] = [];
      for (const { key, change } of changes) {
        const current = next.get(key.deviceId);
        const result = await change(current && clone(EndDeviceSchema, current));
        if (result && options.clash?.(result))
          throw errIndexValueTaken.create({ table: "t", key: "k", index: "euis", value: "v" });
        if (result === null) next.delete(key.deviceId);
        else next.set(key.deviceId, result);
        results.push(result ?? undefined);
      }
      stored.clear();
      for (const [id, value] of next) stored.set(id, value);
      return results;
    },
  };
}

function groupCommit(
  registry: ReturnType<typeof mapRegistry>,
  options: { intervalMs?: number; maxBatch?: number } = {},
) {
  const committed: CommittedBatch[] = [];
  const failed: DeviceKey[][] = [];
  const commits = new GroupCommit({
    registry,
    intervalMs: options.intervalMs ?? 5,
    maxBatch: options.maxBatch ?? 100,
    onCommitted: (batch) => committed.push(batch),
    onFailed: (keys) => failed.push([...keys]),
  });
  return { commits, committed, failed };
}

const append =
  (suffix: string, deviceId = "d"): DeviceChange =>
  (current) => {
    const next = current ?? device(deviceId);
    next.name += suffix;
    return next;
  };

describe("group commit", () => {
  it("collects changes into batches of at most maxBatch, in order per device", async () => {
    const registry = mapRegistry();
    const { commits, committed } = groupCommit(registry, { maxBatch: 4 });
    const results = await Promise.all(
      ["a", "b", "c", "d", "e", "f", "g"].map((suffix) => commits.commit(key("d"), append(suffix))),
    );
    assert.deepEqual(registry.batches, [4, 3]);
    assert.equal(commits.transactions, 2);
    assert.deepEqual(
      results.map((result) => result?.name),
      ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"],
    );
    assert.equal(committed.length, 2);
  });

  it("writes changes that arrive during a write in the next batch", async () => {
    const registry = mapRegistry();
    const { commits } = groupCommit(registry, { intervalMs: 1 });
    const first = commits.commit(key("d"), append("a"));
    // Queued while the first batch is being written (its change runs in the registry).
    let second: Promise<EndDevice | undefined> | undefined;
    const third = commits.commit(key("d"), (current) => {
      second = commits.commit(key("d"), append("c"));
      return append("b")(current);
    });
    await Promise.all([first, third]);
    assert.equal((await second)?.name, "abc");
    assert.deepEqual(registry.batches, [2, 1]);
  });

  it("writes a batch again change by change when one change's result clashes", async () => {
    const registry = mapRegistry({ clash: (result) => result.name.includes("!") });
    const { commits } = groupCommit(registry);
    const outcomes = await Promise.allSettled([
      commits.commit(key("x"), append("1", "x")),
      commits.commit(key("y"), append("!", "y")),
      commits.commit(key("z"), append("2", "z")),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ["fulfilled", "rejected", "fulfilled"],
    );
    assert.ok(errIndexValueTaken.matches((outcomes[1] as PromiseRejectedResult).reason));
    assert.deepEqual(registry.batches, [3, 1, 1, 1]);
  });

  it("reports a failed batch and rejects its callers with the error", async () => {
    const failure = new Error("database gone");
    const { commits, failed } = groupCommit({
      ...mapRegistry(),
      updateMany: async () => {
        throw failure;
      },
    });
    const outcomes = await Promise.allSettled([
      commits.commit(key("x"), append("1", "x")),
      commits.commit(key("y"), append("2", "y")),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason),
      [failure, failure],
    );
    assert.deepEqual(failed, [[key("x"), key("y")]]);
  });
});

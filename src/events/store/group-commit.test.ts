import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupCommit } from "./group-commit.ts";

/** A writer whose writes finish when the test says so. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  return {
    batches,
    failNext() {
      failNext = true;
    },
    open() {
      for (const gate of gates.splice(0)) gate();
    },
    write: (batch: number[]) => {
      batches.push(batch);
      const fail = failNext;
      failNext = false;
      return new Promise<void>((resolve, reject) =>
        gates.push(() => (fail ? reject(new Error("disk full")) : resolve())),
      );
    },
  };
}

describe("GroupCommit", () => {
  it("writes what came within the interval as one batch", async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number>({
      write: async (batch) => {
        batches.push(batch);
      },
      intervalMs: 5,
      maxBatch: 100,
      maxPending: 1000,
    });
    for (let index = 0; index < 10; index++) commit.add(index);
    assert.deepEqual(batches, [], "nothing written at once");
    await commit.flush();
    assert.deepEqual(batches, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it("writes a full batch at once, and collects the next one while a write runs", async () => {
    const writer = gatedWriter();
    const commit = new GroupCommit<number>({
      write: writer.write,
      intervalMs: 60_000,
      maxBatch: 3,
      maxPending: 1000,
    });
    for (let index = 0; index < 3; index++) commit.add(index);
    assert.deepEqual(writer.batches, [[0, 1, 2]], "full: written without waiting");
    for (let index = 3; index < 8; index++) commit.add(index);
    assert.equal(writer.batches.length, 1, "one writer at a time");
    const flushed = commit.flush();
    writer.open();
    await new Promise((resolve) => setImmediate(resolve));
    writer.open();
    await new Promise((resolve) => setImmediate(resolve));
    writer.open();
    await flushed;
    assert.deepEqual(writer.batches, [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
    assert.equal(commit.backlog, 0);
  });

  it("flush waits for what came before it, not for what comes after", async () => {
    const writer = gatedWriter();
    const commit = new GroupCommit<number>({
      write: writer.write,
      intervalMs: 60_000,
      maxBatch: 3,
      maxPending: 1000,
    });
    commit.add(1);
    let flushed = false;
    const flushing = commit.flush().then(() => {
      flushed = true;
    });
    commit.add(2);
    commit.add(3);
    writer.open();
    await flushing;
    assert.ok(flushed);
    assert.deepEqual(writer.batches, [[1]]);
    assert.equal(commit.backlog, 2);
    const rest = commit.flush();
    writer.open();
    await rest;
    assert.deepEqual(writer.batches, [[1], [2, 3]]);
  });

  it("reports a failed batch and goes on with the next", async () => {
    const writer = gatedWriter();
    const failures: number[] = [];
    const commit = new GroupCommit<number>({
      write: writer.write,
      intervalMs: 1,
      maxBatch: 10,
      maxPending: 1000,
      onFailure: (_error, count) => failures.push(count),
    });
    writer.failNext();
    commit.add(1);
    commit.add(2);
    const first = commit.flush();
    writer.open();
    await first;
    assert.deepEqual(failures, [2]);
    commit.add(3);
    const second = commit.flush();
    writer.open();
    await second;
    assert.deepEqual(writer.batches, [[1, 2], [3]]);
  });

  it("drops and reports items beyond maxPending while writes are slow", async () => {
    const writer = gatedWriter();
    let dropped = 0;
    const commit = new GroupCommit<number>({
      write: writer.write,
      intervalMs: 60_000,
      maxBatch: 2,
      maxPending: 4,
      onDrop: (count) => {
        dropped += count;
      },
    });
    for (let index = 0; index < 10; index++) commit.add(index);
    assert.equal(commit.backlog, 4);
    assert.equal(dropped, 6);
    const flushed = commit.flush();
    writer.open();
    await new Promise((resolve) => setImmediate(resolve));
    writer.open();
    await flushed;
    assert.deepEqual(writer.batches, [
      [0, 1],
      [2, 3],
    ]);
  });
});

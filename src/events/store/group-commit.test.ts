import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupCommit } from "./group-commit.ts";

/** A writer whose writes wait while it is paused, and finish at once otherwise. */
function pausableWriter() {
  const batches: number[][] = [];
  const waiting: (() => void)[] = [];
  let paused = true;
  let failNext = false;
  return {
    batches,
    failNext() {
      failNext = true;
    },
    resume() {
      paused = false;
      for (const go of waiting.splice(0)) go();
    },
    write: (batch: number[]) => {
      batches.push(batch);
      const fail = failNext;
      failNext = false;
      return new Promise<void>((resolve, reject) => {
        const finish = () => (fail ? reject(new Error("disk full")) : resolve());
        if (paused) waiting.push(finish);
        else finish();
      });
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
    const writer = pausableWriter();
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
    writer.resume();
    await flushed;
    assert.deepEqual(writer.batches, [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
    assert.equal(commit.backlog, 0);
  });

  it("flush waits for what came before it, not for what comes after", async () => {
    const writer = pausableWriter();
    const commit = new GroupCommit<number>({
      write: writer.write,
      intervalMs: 60_000,
      maxBatch: 3,
      maxPending: 1000,
    });
    commit.add(1);
    const flushing = commit.flush();
    commit.add(2);
    commit.add(3);
    writer.resume();
    await flushing;
    assert.deepEqual(writer.batches, [[1]]);
    assert.equal(commit.backlog, 2, "the later ones wait for their interval");
    await commit.flush();
    assert.deepEqual(writer.batches, [[1], [2, 3]]);
  });

  it("reports a failed batch and goes on with the next", async () => {
    const writer = pausableWriter();
    writer.resume();
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
    await commit.flush();
    assert.deepEqual(failures, [2]);
    commit.add(3);
    await commit.flush();
    assert.deepEqual(writer.batches, [[1, 2], [3]]);
    assert.deepEqual(failures, [2]);
  });

  it("drops and reports items beyond maxPending while writes are slow", async () => {
    const writer = pausableWriter();
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
    writer.resume();
    await flushed;
    assert.deepEqual(writer.batches, [
      [0, 1],
      [2, 3],
    ]);
  });

  it("lets the event loop turn between batches written back to back", async () => {
    const batches: number[] = [];
    let turns = 0;
    const commit = new GroupCommit<number>({
      // Resolves at once, as a synchronous database does.
      write: async (batch) => {
        batches.push(turns);
        void batch;
      },
      intervalMs: 60_000,
      maxBatch: 2,
      maxPending: 1000,
    });
    // Counts turns of the event loop (a check phase each).
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    for (let index = 0; index < 8; index++) commit.add(index);
    await commit.flush();
    counting = false;
    assert.equal(batches.length, 4);
    assert.ok(
      new Set(batches).size > 1,
      `the loop turned between batches (turns seen by each: ${batches.join(", ")})`,
    );
  });
});

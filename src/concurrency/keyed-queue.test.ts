import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeyedQueue } from "./keyed-queue.ts";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("KeyedQueue", () => {
  it("runs the tasks of one key in the order given, even when an earlier one is slower", async () => {
    const queue = new KeyedQueue();
    const done: number[] = [];
    await Promise.all(
      [30, 1, 10, 0].map((ms, i) =>
        queue.run("device", async () => {
          await tick(ms);
          done.push(i);
        }),
      ),
    );
    assert.deepEqual(done, [0, 1, 2, 3]);
    assert.equal(queue.size, 0);
  });

  it("runs different keys concurrently", async () => {
    const queue = new KeyedQueue();
    const done: string[] = [];
    await Promise.all([
      queue.run("a", async () => {
        await tick(30);
        done.push("a");
      }),
      queue.run("b", async () => {
        done.push("b");
      }),
    ]);
    assert.deepEqual(done, ["b", "a"]);
  });

  it("goes on after a failure and gives each caller its own outcome", async () => {
    const queue = new KeyedQueue();
    const first = queue.run("k", async () => {
      await tick(5);
      throw new Error("first failed");
    });
    const second = queue.run("k", async () => 2);
    await assert.rejects(first, /first failed/);
    assert.equal(await second, 2);
    assert.equal(queue.size, 0);
  });

  it("idle waits for work given while waiting", async () => {
    const queue = new KeyedQueue();
    let last = false;
    void queue.run("k", async () => {
      await tick(5);
      void queue.run("other", async () => {
        await tick(5);
        last = true;
      });
    });
    await queue.idle();
    assert.equal(last, true);
  });
});

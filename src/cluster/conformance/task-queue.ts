import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidTask } from "../coordination-errors.ts";
import type { Task, TaskQueue } from "../task-queue.ts";
import {
  deferred,
  elapse,
  eventually,
  type FixtureFactory,
  unique,
  withFixture,
  within,
} from "./fixture.ts";

/** What the suite must know of the fixture's settings. */
export interface TaskQueueTimings {
  /** The poll interval the fixture's queues use: a local `add` must wake a consumer well before it. */
  pollIntervalMs: number;
}

const bytes = (...values: number[]) => new Uint8Array(values);
const wait = 5000;

/**
 * The behaviour every {@link TaskQueue} must show. Instances opened from one fixture share
 * their tasks (one database, one Redis); closing an instance is its crash.
 */
export function describeTaskQueueConformance(
  name: string,
  open: FixtureFactory<TaskQueue>,
  timings: TaskQueueTimings,
): void {
  describe(`TaskQueue conformance: ${name}`, () => {
    it("runs a task at its due time and not before, tasks due earlier first", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("due");
        const lateAt = new Date(Date.now() + 300);
        await tasks.add(queue, { key: "late", payload: bytes(1), dueAt: lateAt });
        await tasks.add(queue, { key: "now", payload: bytes(2) });
        const received: { task: Task; at: number }[] = [];
        const done = deferred();
        tasks.consume(queue, async (task) => {
          received.push({ task, at: Date.now() });
          if (received.length === 2) done.resolve();
        });
        await within(done.promise, wait, "both tasks");
        assert.deepEqual(
          received.map((r) => r.task.key),
          ["now", "late"],
        );
        const late = received[1];
        assert.ok(late && late.at >= lateAt.getTime(), "the late task ran before its due time");
        assert.deepEqual(late.task, {
          queue,
          key: "late",
          payload: bytes(1),
          dueAt: lateAt,
          attempt: 1,
        });
      });
    });

    it("wakes a sleeping consumer when a task is added in this process", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("wake");
        const first = deferred();
        const second = deferred<number>();
        tasks.consume(queue, async (task) => {
          if (task.key === "first") first.resolve();
          else second.resolve(Date.now());
        });
        await tasks.add(queue, { key: "first", payload: bytes() });
        await within(first.promise, wait, "the first task");
        // Give the consumer time to complete the first task and fall asleep (for up to its
        // poll interval, the queue being empty): the add must cut that sleep short.
        await elapse(150);
        const addedAt = Date.now();
        await tasks.add(queue, { key: "second", payload: bytes() });
        const ranAt = await within(second.promise, wait, "the second task");
        assert.ok(
          ranAt - addedAt < timings.pollIntervalMs / 2,
          `took ${ranAt - addedAt} ms with a poll interval of ${timings.pollIntervalMs} ms`,
        );
      });
    });

    it("hands each task to exactly one consumer at a time across instances", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const queue = unique("exclusive");
        const count = 40;
        const running = new Set<string>();
        const handled = new Map<string, number>();
        const overlaps: string[] = [];
        const done = deferred();
        const handler = async (task: Task) => {
          if (running.has(task.key)) overlaps.push(task.key);
          running.add(task.key);
          await elapse(5);
          running.delete(task.key);
          handled.set(task.key, (handled.get(task.key) ?? 0) + 1);
          if ([...handled.values()].reduce((sum, n) => sum + n, 0) >= count) done.resolve();
        };
        const consumers = [
          a.consume(queue, handler, { concurrency: 3 }),
          b.consume(queue, handler, { concurrency: 3 }),
          b.consume(queue, handler, { concurrency: 2 }),
        ];
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            (i % 2 ? a : b).add(queue, { key: `task-${i}`, payload: bytes(i) }),
          ),
        );
        await within(done.promise, 10_000, "every task");
        await Promise.all(consumers.map((consumer) => consumer.stop()));
        assert.deepEqual(overlaps, []);
        assert.equal(handled.size, count);
        for (const [key, times] of handled) assert.equal(times, 1, `${key} ran ${times} times`);
      });
    });

    it("retries a failing task with growing back-off, then keeps it as a dead letter", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("retry");
        const calls: { attempt: number; lastError: string | undefined; at: number }[] = [];
        const third = deferred();
        tasks.consume(
          queue,
          async (task) => {
            calls.push({ attempt: task.attempt, lastError: task.lastError, at: Date.now() });
            if (calls.length === 3) third.resolve();
            throw new Error(`boom ${task.attempt}`);
          },
          { maxAttempts: 3, backoffMs: 60, maxBackoffMs: 10_000 },
        );
        await tasks.add(queue, { key: "failing", payload: bytes(7) });
        await within(third.promise, wait, "three attempts");
        const dead = await eventually(
          async () => (await tasks.deadLetters(queue)).at(0),
          wait,
          "the dead letter",
        );
        assert.deepEqual(
          calls.map((call) => [call.attempt, call.lastError]),
          [
            [1, undefined],
            [2, "boom 1"],
            [3, "boom 2"],
          ],
        );
        const [first, second, last] = calls as [
          (typeof calls)[0],
          (typeof calls)[0],
          (typeof calls)[0],
        ];
        assert.ok(second.at - first.at >= 59, `first back-off ${second.at - first.at} ms`);
        assert.ok(last.at - second.at >= 119, `second back-off ${last.at - second.at} ms`);
        assert.equal(dead.key, "failing");
        assert.equal(dead.queue, queue);
        assert.deepEqual(dead.payload, bytes(7));
        assert.equal(dead.attempt, 3);
        assert.equal(dead.lastError, "boom 3");
        assert.equal(calls.length, 3);
      });
    });

    it("gives a retried task the error of the attempt before and completes it on success", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("recover");
        const seen: [number, string | undefined][] = [];
        const done = deferred();
        const consumer = tasks.consume(
          queue,
          async (task) => {
            seen.push([task.attempt, task.lastError]);
            if (task.attempt === 1) throw new Error("transient");
            done.resolve();
          },
          { backoffMs: 10 },
        );
        await tasks.add(queue, { key: "k", payload: bytes() });
        await within(done.promise, wait, "the retry");
        await consumer.stop();
        assert.deepEqual(seen, [
          [1, undefined],
          [2, "transient"],
        ]);
        assert.deepEqual(await tasks.deadLetters(queue), []);
        assert.equal(await tasks.remove(queue, "k"), false, "the completed task is gone");
      });
    });

    it("keeps dead letters oldest first, limited, and lets their key be added again", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("dead");
        const start = Date.now();
        for (const [i, key] of ["a", "b", "c"].entries())
          await tasks.add(queue, { key, payload: bytes(i), dueAt: new Date(start + i * 30) });
        const revived = deferred<Task>();
        tasks.consume(
          queue,
          async (task) => {
            if (task.payload[0] === 9) {
              revived.resolve(task);
              return;
            }
            throw new Error(`dead ${task.key}`);
          },
          { maxAttempts: 1 },
        );
        const dead = await eventually(
          async () => {
            const letters = await tasks.deadLetters(queue);
            return letters.length === 3 ? letters : undefined;
          },
          wait,
          "three dead letters",
        );
        assert.deepEqual(
          dead.map((task) => [task.key, task.attempt, task.lastError]),
          [
            ["a", 1, "dead a"],
            ["b", 1, "dead b"],
            ["c", 1, "dead c"],
          ],
        );
        assert.deepEqual(
          (await tasks.deadLetters(queue, 2)).map((task) => task.key),
          ["a", "b"],
        );
        await tasks.add(queue, { key: "a", payload: bytes(9) });
        const task = await within(revived.promise, wait, "the revived key");
        assert.equal(task.attempt, 1);
        assert.equal((await tasks.deadLetters(queue)).length, 3);
      });
    });

    it("replace: a pending task of the same key takes the new payload and due time", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("replace");
        const far = new Date(Date.now() + 60_000);
        await tasks.add(queue, { key: "k", payload: bytes(1), dueAt: far });
        await tasks.add(queue, { key: "k", payload: bytes(2), mode: "replace" });
        await tasks.add(queue, {
          key: "later",
          payload: bytes(3),
          dueAt: new Date(Date.now() + 100),
        });
        const seen: Task[] = [];
        const done = deferred();
        tasks.consume(queue, async (task) => {
          seen.push(task);
          if (task.key === "later") done.resolve();
        });
        await within(done.promise, wait, "both keys");
        assert.deepEqual(
          seen.map((task) => [task.key, [...task.payload]]),
          [
            ["k", [2]],
            ["later", [3]],
          ],
        );
        // Replace also moves a due time later.
        await tasks.add(queue, { key: "moved", payload: bytes(4) });
        await tasks.add(queue, { key: "moved", payload: bytes(5), dueAt: far, mode: "replace" });
        assert.equal(await tasks.remove(queue, "moved"), true);
      });
    });

    it("earliest: keeps the earlier due time and takes the new payload", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("earliest");
        const soon = new Date(Date.now() + 150);
        const far = new Date(Date.now() + 60_000);
        await tasks.add(queue, { key: "pulled", payload: bytes(1), dueAt: far });
        await tasks.add(queue, { key: "pulled", payload: bytes(2), mode: "earliest" });
        await tasks.add(queue, { key: "kept", payload: bytes(3), dueAt: soon });
        await tasks.add(queue, { key: "kept", payload: bytes(4), dueAt: far, mode: "earliest" });
        const seen: { task: Task; at: number }[] = [];
        const done = deferred();
        tasks.consume(queue, async (task) => {
          seen.push({ task, at: Date.now() });
          if (seen.length === 2) done.resolve();
        });
        await within(done.promise, wait, "both keys");
        assert.deepEqual(
          seen.map(({ task }) => [task.key, [...task.payload]]),
          [
            ["pulled", [2]],
            ["kept", [4]],
          ],
        );
        const kept = seen[1];
        assert.ok(kept);
        assert.deepEqual(kept.task.dueAt, soon);
        assert.ok(kept.at >= soon.getTime() && kept.at < far.getTime());
      });
    });

    it("removes a pending task, which then never runs", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("remove");
        await tasks.add(queue, {
          key: "gone",
          payload: bytes(),
          dueAt: new Date(Date.now() + 100),
        });
        assert.equal(await tasks.remove(queue, "gone"), true);
        assert.equal(await tasks.remove(queue, "gone"), false);
        assert.equal(await tasks.remove(queue, "never-added"), false);
        await tasks.add(queue, {
          key: "after",
          payload: bytes(),
          dueAt: new Date(Date.now() + 200),
        });
        const seen: string[] = [];
        const done = deferred();
        tasks.consume(queue, async (task) => {
          seen.push(task.key);
          if (task.key === "after") done.resolve();
        });
        await within(done.promise, wait, "the later task");
        assert.deepEqual(seen, ["after"]);
      });
    });

    it("keeps a task across a restart (a new object over the same store)", async () => {
      await withFixture(open, async (fixture) => {
        const first = await fixture.instance();
        const queue = unique("restart");
        const dueAt = new Date(Date.now() + 50);
        await first.value.add(queue, { key: "durable", payload: bytes(4, 2), dueAt });
        await first.close();
        const second = await fixture.instance();
        const received = deferred<Task>();
        second.value.consume(queue, async (task) => received.resolve(task));
        const task = await within(received.promise, wait, "the task after the restart");
        assert.deepEqual(task, { queue, key: "durable", payload: bytes(4, 2), dueAt, attempt: 1 });
      });
    });

    it("hands a crashed consumer's task to another once its lease expires", async () => {
      await withFixture(open, async (fixture) => {
        const crashing = await fixture.instance();
        const survivor = await fixture.instance();
        const queue = unique("crash");
        const started = deferred<Task>();
        crashing.value.consume(queue, (task) => {
          started.resolve(task);
          return new Promise<void>(() => {}); // never ends: the process "dies" in it
        });
        await crashing.value.add(queue, { key: "orphan", payload: bytes(1) });
        assert.equal((await within(started.promise, wait, "the first attempt")).attempt, 1);
        await crashing.close();
        const again = deferred<Task>();
        survivor.value.consume(queue, async (task) => again.resolve(task));
        const task = await within(again.promise, wait, "the task after the lease expired");
        assert.equal(task.key, "orphan");
        assert.equal(task.attempt, 2);
      });
    });

    it("keeps a task added while its key runs, and runs it after, never both at once", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("follow-up");
        const gate = deferred();
        const started = deferred();
        const seen: number[] = [];
        const done = deferred();
        let running = 0;
        let overlapped = false;
        tasks.consume(
          queue,
          async (task) => {
            running++;
            if (running > 1) overlapped = true;
            seen.push(task.payload[0] ?? -1);
            if (seen.length === 1) {
              started.resolve();
              await gate.promise;
            } else done.resolve();
            running--;
          },
          { concurrency: 4 },
        );
        await tasks.add(queue, { key: "k", payload: bytes(1) });
        await within(started.promise, wait, "the first run");
        await tasks.add(queue, { key: "k", payload: bytes(2) });
        await tasks.add(queue, { key: "k", payload: bytes(3), mode: "earliest" });
        gate.resolve();
        await within(done.promise, wait, "the follow-up");
        assert.deepEqual(seen, [1, 3]);
        assert.equal(overlapped, false);
      });
    });

    it("runs at most `concurrency` handlers of a consumer at once", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("concurrency");
        for (let i = 0; i < 6; i++) await tasks.add(queue, { key: `t${i}`, payload: bytes(i) });
        let running = 0;
        let most = 0;
        let finished = 0;
        const done = deferred();
        tasks.consume(
          queue,
          async () => {
            running++;
            most = Math.max(most, running);
            await elapse(20);
            running--;
            if (++finished === 6) done.resolve();
          },
          { concurrency: 2 },
        );
        await within(done.promise, wait, "six tasks");
        assert.equal(most, 2);
      });
    });

    it("stop() waits for the handler in flight and its task is then complete", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("stop");
        const gate = deferred();
        const started = deferred();
        let stopped = false;
        const consumer = tasks.consume(queue, async () => {
          started.resolve();
          await gate.promise;
        });
        await tasks.add(queue, { key: "k", payload: bytes() });
        await within(started.promise, wait, "the handler");
        const stopping = consumer.stop().then(() => {
          stopped = true;
        });
        await elapse(20);
        assert.equal(stopped, false, "stop() returned before the handler ended");
        gate.resolve();
        await within(stopping, wait, "stop()");
        assert.equal(await tasks.remove(queue, "k"), false, "the task was completed");
      });
    });

    it("refuses a task without a key or with an invalid due time", async () => {
      await withFixture(open, async (fixture) => {
        const { value: tasks } = await fixture.instance();
        const queue = unique("invalid");
        await assert.rejects(tasks.add(queue, { key: "", payload: bytes() }), (error) =>
          errInvalidTask.matches(error),
        );
        await assert.rejects(
          tasks.add(queue, { key: "k", payload: bytes(), dueAt: new Date(Number.NaN) }),
          (error) => errInvalidTask.matches(error),
        );
        await assert.rejects(
          tasks.add(queue, { key: "k", payload: "text" as unknown as Uint8Array }),
          (error) => errInvalidTask.matches(error),
        );
      });
    });
  });
}

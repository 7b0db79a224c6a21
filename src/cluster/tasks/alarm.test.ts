import assert from "node:assert/strict";
import { it } from "node:test";
import { Alarm } from "./alarm.ts";

it("ends a wait when poked for an earlier time, not for a later one", async () => {
  const alarm = new Alarm();
  let ended = false;
  const waiting = alarm.wait(10_000).then(() => {
    ended = true;
  });
  alarm.poke(Date.now() + 60_000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ended, false, "a later due time ended the wait");
  alarm.poke(Date.now() + 10);
  await waiting;
  assert.equal(ended, true);
});

it("keeps a poke that came while nobody waited for the next wait", async () => {
  const alarm = new Alarm();
  alarm.poke();
  const startedAt = Date.now();
  await alarm.wait(10_000);
  assert.ok(Date.now() - startedAt < 1000);
});

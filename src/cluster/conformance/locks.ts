import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Locks } from "../locks.ts";
import { elapse, type FixtureFactory, unique, withFixture } from "./fixture.ts";

/** The behaviour every {@link Locks} must show, across instances opened from one fixture. */
export function describeLocksConformance(name: string, open: FixtureFactory<Locks>): void {
  describe(`Locks conformance: ${name}`, () => {
    it("excludes: a held lock cannot be acquired until released", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const lock = await a.acquire(name, 5000);
        assert.ok(lock);
        assert.equal(lock.name, name);
        assert.equal(await b.acquire(name, 5000), undefined);
        assert.equal(await a.acquire(name, 5000), undefined);
        assert.ok(await b.acquire(unique("other"), 5000), "other names are free");
        await lock.release();
        assert.ok(await b.acquire(name, 5000));
      });
    });

    it("frees a lock whose time to live ran out", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const startedAt = Date.now();
        const lock = await a.acquire(name, 60);
        assert.ok(lock);
        const next = await b.acquire(name, 5000, { waitMs: 5000 });
        assert.ok(next, "acquired once the first expired");
        assert.ok(Date.now() - startedAt >= 58, "acquired before the first expired");
        assert.equal(await lock.extend(5000), false);
      });
    });

    it("waits for a release up to waitMs, and gives up after it", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const lock = await a.acquire(name, 10_000);
        assert.ok(lock);
        const startedAt = Date.now();
        assert.equal(await b.acquire(name, 1000, { waitMs: 80 }), undefined);
        assert.ok(Date.now() - startedAt >= 75, "gave up before waitMs");
        const waiting = b.acquire(name, 1000, { waitMs: 5000 });
        await elapse(30);
        await lock.release();
        const acquired = await waiting;
        assert.ok(acquired, "acquired after the release");
        assert.ok(Date.now() - startedAt < 3000, "the release was not noticed quickly");
      });
    });

    it("gives every acquisition a larger fencing token", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const tokens: number[] = [];
        for (let i = 0; i < 6; i++) {
          const lock = await (i % 2 ? b : a).acquire(name, 5000);
          assert.ok(lock);
          tokens.push(lock.fencingToken);
          await lock.release();
        }
        const expired = await a.acquire(name, 20);
        assert.ok(expired);
        tokens.push(expired.fencingToken);
        const after = await b.acquire(name, 5000, { waitMs: 5000 });
        assert.ok(after);
        tokens.push(after.fencingToken);
        for (let i = 1; i < tokens.length; i++)
          assert.ok(
            (tokens[i] as number) > (tokens[i - 1] as number),
            `tokens ${tokens.join(",")}`,
          );
        assert.ok(tokens.every(Number.isSafeInteger));
      });
    });

    it("extends and releases only for the holder", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const stale = await a.acquire(name, 50);
        assert.ok(stale);
        assert.equal(await stale.extend(100), true, "the holder extends");
        const current = await b.acquire(name, 5000, { waitMs: 5000 });
        assert.ok(current);
        assert.equal(await stale.extend(5000), false);
        await stale.release();
        assert.equal(await a.acquire(name, 5000), undefined, "a stale release freed the lock");
        assert.equal(await current.extend(5000), true);
        await current.release();
        assert.ok(await a.acquire(name, 5000));
      });
    });

    it("extend moves the expiry past the first time to live", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const name = unique("lock");
        const lock = await a.acquire(name, 200);
        assert.ok(lock);
        assert.equal(await lock.extend(5000), true);
        await elapse(300);
        assert.equal(await b.acquire(name, 1000), undefined);
      });
    });
  });
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Claims } from "../claims.ts";
import { elapse, type FixtureFactory, unique, withFixture } from "./fixture.ts";

/**
 * The behaviour every {@link Claims} must show. Instances opened from one fixture share their
 * claims and each has its own identity.
 */
export function describeClaimsConformance(name: string, open: FixtureFactory<Claims>): void {
  describe(`Claims conformance: ${name}`, () => {
    it("is exclusive: a held id cannot be claimed again, by another instance or this one", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const claim = await a.value.claim(id, 5000);
        assert.ok(claim);
        assert.equal(claim.id, id);
        assert.equal(await b.value.claim(id, 5000), undefined);
        assert.equal(await a.value.claim(id, 5000), undefined);
        const other = await b.value.claim(unique("other"), 5000);
        assert.ok(other, "another id is free");
      });
    });

    it("looks the holder up from another instance", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        assert.equal(await b.value.holder(id), undefined);
        const claim = await a.value.claim(id, 5000);
        assert.ok(claim);
        assert.deepEqual(await b.value.holder(id), a.identity);
        assert.deepEqual(await a.value.holder(id), a.identity);
        await claim.release();
        assert.equal(await b.value.holder(id), undefined);
      });
    });

    it("frees an id when its claim expires", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const claim = await a.value.claim(id, 60);
        assert.ok(claim);
        await elapse(120);
        assert.equal(await b.value.holder(id), undefined);
        const taken = await b.value.claim(id, 5000);
        assert.ok(taken, "the expired claim freed the id");
        assert.equal(await claim.renew(), "taken", "an expired claim taken since is lost");
        assert.deepEqual(await a.value.holder(id), b.identity);
      });
    });

    it("renew restores a claim that vanished while nobody else claimed the id", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const claim = await a.value.claim(id, 150);
        assert.ok(claim);
        await elapse(250);
        assert.equal(await b.value.holder(id), undefined, "expired");
        assert.equal(await claim.renew(), "restored");
        assert.deepEqual(await b.value.holder(id), a.identity);
        assert.equal(await b.value.claim(id, 5000), undefined, "held again");
        assert.equal(await claim.renew(), "renewed");
        await claim.release();
        assert.equal(await b.value.holder(id), undefined, "the restored claim releases");
      });
    });

    it("renew extends a claim beyond its first time to live", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const ttlMs = 250;
        const claim = await a.value.claim(id, ttlMs);
        assert.ok(claim);
        const until = Date.now() + 2.5 * ttlMs;
        while (Date.now() < until) {
          await elapse(50);
          assert.equal(await claim.renew(), "renewed");
        }
        assert.equal(await b.value.claim(id, ttlMs), undefined, "the renewed claim still holds");
        assert.deepEqual(await b.value.holder(id), a.identity);
      });
    });

    it("release frees the id, and only the holder's release counts", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const first = await a.value.claim(id, 5000);
        assert.ok(first);
        await first.release();
        await first.release(); // harmless
        const second = await b.value.claim(id, 5000);
        assert.ok(second, "released ids can be claimed");
        await first.release(); // no longer the holder: must not free b's claim
        assert.deepEqual(await a.value.holder(id), b.identity);
        assert.equal(await a.value.claim(id, 5000), undefined);
        assert.equal(await second.renew(), "renewed");
      });
    });

    it("takeOver moves a held claim to this instance and the old holder loses it", async () => {
      await withFixture(open, async (fixture) => {
        const a = await fixture.instance();
        const b = await fixture.instance();
        const id = unique("gateway");
        const old = await a.value.claim(id, 5000);
        assert.ok(old);
        const moved = await b.value.claim(id, 5000, { takeOver: true });
        assert.ok(moved);
        assert.deepEqual(await a.value.holder(id), b.identity);
        assert.equal(await old.renew(), "taken");
        await old.release();
        assert.deepEqual(await a.value.holder(id), b.identity, "the old holder cannot release it");
        const back = await a.value.claim(id, 5000, { takeOver: true });
        assert.ok(back);
        assert.equal(await moved.renew(), "taken");
        assert.deepEqual(await b.value.holder(id), a.identity);
        // takeOver of a free id is an ordinary claim.
        assert.ok(await b.value.claim(unique("free"), 5000, { takeOver: true }));
      });
    });
  });
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeduplicationResult, Deduplicator } from "../deduplicator.ts";
import { elapse, type FixtureFactory, unique, withFixture } from "./fixture.ts";

/** The item the suite deduplicates: an object, so that a codec must carry it across instances. */
export interface Reception {
  gateway: string;
  rssi: number;
}

/** A factory of deduplicators of {@link Reception}s sharing one name. */
export type ReceptionDeduplicator = Deduplicator<Reception>;

const window = { windowMs: 150, cooldownMs: 2000 };

/**
 * The behaviour every {@link Deduplicator} must show. Instances opened from one fixture share
 * their keys, as instances of a cluster do.
 */
export function describeDeduplicatorConformance(
  name: string,
  open: FixtureFactory<ReceptionDeduplicator>,
): void {
  describe(`Deduplicator conformance: ${name}`, () => {
    it("gives the opener every reception of the window, from both instances", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const key = unique("uplink");
        const items = [
          { gateway: "a1", rssi: -40 },
          { gateway: "b1", rssi: -50 },
          { gateway: "a2", rssi: -60 },
          { gateway: "b2", rssi: -70 },
        ];
        const results = await Promise.all(
          items.map((item, i) => (i % 2 ? b : a).add(key, item, window)),
        );
        const firsts = results.flatMap((result, i) =>
          result.kind === "first" ? [{ result, item: items[i] }] : [],
        );
        assert.equal(firsts.length, 1, "exactly one opener");
        const [opener] = firsts;
        assert.ok(opener && opener.result.kind === "first");
        assert.deepEqual(opener.result.collected[0], opener.item, "the opener's reception first");
        assert.deepEqual(
          [...opener.result.collected].sort((x, y) => x.gateway.localeCompare(y.gateway)),
          [...items].sort((x, y) => x.gateway.localeCompare(y.gateway)),
        );
        assert.equal(results.filter((result) => result.kind === "duplicate").length, 3);
      });
    });

    it("resolves duplicates at once, the opener when its window closes", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const key = unique("uplink");
        const order: string[] = [];
        const startedAt = Date.now();
        let openedAt = 0;
        const results = await Promise.all(
          [a, b, a, b].map((instance, i) =>
            instance.add(key, { gateway: `g${i}`, rssi: i }, window).then((result) => {
              order.push(result.kind);
              if (result.kind === "first") openedAt = Date.now();
              return result;
            }),
          ),
        );
        assert.deepEqual(order, ["duplicate", "duplicate", "duplicate", "first"]);
        assert.ok(openedAt - startedAt >= window.windowMs - 1, "the window was cut short");
        const first = results.find((result) => result.kind === "first");
        assert.equal(first?.kind === "first" ? first.collected.length : 0, 4);
      });
    });

    it("has exactly one opener across instances under concurrent receptions", async () => {
      await withFixture(open, async (fixture) => {
        const instances = [
          (await fixture.instance()).value,
          (await fixture.instance()).value,
          (await fixture.instance()).value,
        ];
        for (let round = 0; round < 5; round++) {
          const key = unique("burst");
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (instances[i % instances.length] as ReceptionDeduplicator).add(
                key,
                { gateway: `g${i}`, rssi: i },
                { windowMs: 50, cooldownMs: 1000 },
              ),
            ),
          );
          const firsts = results.filter((result) => result.kind === "first");
          assert.equal(firsts.length, 1, `round ${round}: ${firsts.length} openers`);
          const collected = (
            firsts[0] as Extract<DeduplicationResult<Reception>, { kind: "first" }>
          ).collected;
          assert.deepEqual(
            collected.map((item) => item.rssi).sort((x, y) => x - y),
            Array.from({ length: 20 }, (_, i) => i),
          );
        }
      });
    });

    it("answers late in the cooldown and first again after it", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const key = unique("uplink");
        const short = { windowMs: 30, cooldownMs: 600 };
        const opened = await a.add(key, { gateway: "a", rssi: 1 }, short);
        assert.equal(opened.kind, "first");
        assert.deepEqual(await b.add(key, { gateway: "b", rssi: 2 }, short), { kind: "late" });
        assert.deepEqual(await a.add(key, { gateway: "a", rssi: 3 }, short), { kind: "late" });
        await elapse(short.cooldownMs + 50);
        const again = await b.add(key, { gateway: "b", rssi: 4 }, short);
        assert.deepEqual(again, { kind: "first", collected: [{ gateway: "b", rssi: 4 }] });
      });
    });

    it("keeps keys independent", async () => {
      await withFixture(open, async (fixture) => {
        const a = (await fixture.instance()).value;
        const b = (await fixture.instance()).value;
        const one = unique("one");
        const two = unique("two");
        const results = await Promise.all([
          a.add(one, { gateway: "a", rssi: 1 }, window),
          b.add(two, { gateway: "b", rssi: 2 }, window),
        ]);
        assert.deepEqual(results, [
          { kind: "first", collected: [{ gateway: "a", rssi: 1 }] },
          { kind: "first", collected: [{ gateway: "b", rssi: 2 }] },
        ]);
      });
    });
  });
}

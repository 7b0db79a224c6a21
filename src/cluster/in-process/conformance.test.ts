import type { Claims } from "../claims.ts";
import { describeClaimsConformance } from "../conformance/claims.ts";
import {
  describeDeduplicatorConformance,
  type ReceptionDeduplicator,
} from "../conformance/deduplicator.ts";
import type { Fixture, Opened } from "../conformance/fixture.ts";
import { describeLocksConformance } from "../conformance/locks.ts";
import { describePubSubConformance, type PubSubInstance } from "../conformance/pubsub.ts";
import { Fanout } from "../fanout.ts";
import type { Locks } from "../locks.ts";
import { type ClaimTable, InProcessClaims } from "./claims.ts";
import { type DeduplicationTable, InProcessDeduplicator } from "./deduplicator.ts";
import { InProcessLocks, newLockTable } from "./locks.ts";
import { InProcessPubSub } from "./pubsub.ts";

/**
 * In-process "instances" share one table, as the instances of a cluster share Redis: the
 * embedded implementations are held to the same cross-instance contract.
 */
function sharedFixture<T, Shared>(
  shared: Shared,
  create: (shared: Shared, n: number) => T,
  close: (value: T) => Promise<void> | void = () => {},
  dispose: (shared: Shared) => void = () => {},
): Fixture<T> {
  const open = new Set<Opened<T>>();
  let count = 0;
  return {
    async instance() {
      const n = ++count;
      const value = create(shared, n);
      const opened: Opened<T> = {
        value,
        identity: { instanceId: `in-process-${n}`, address: `127.0.0.1:${18_000 + n}` },
        async close() {
          if (open.delete(opened)) await close(value);
        },
      };
      open.add(opened);
      return opened;
    },
    async dispose() {
      await Promise.all([...open].map((opened) => opened.close()));
      dispose(shared);
    },
  };
}

describeClaimsConformance("in-process", async () =>
  sharedFixture<Claims, ClaimTable>(
    new Map(),
    (table, n) =>
      new InProcessClaims(
        { instanceId: `in-process-${n}`, address: `127.0.0.1:${18_000 + n}` },
        table,
      ),
  ),
);

describeLocksConformance("in-process", async () =>
  sharedFixture<Locks, ReturnType<typeof newLockTable>>(
    newLockTable(),
    (table) => new InProcessLocks(table),
  ),
);

describeDeduplicatorConformance("in-process", async () => {
  const table: DeduplicationTable = new Map();
  return sharedFixture<ReceptionDeduplicator, DeduplicationTable>(
    table,
    (shared) => new InProcessDeduplicator(shared),
    () => {},
    (shared) => new InProcessDeduplicator(shared).close(),
  );
});

describePubSubConformance("in-process", async () =>
  sharedFixture<PubSubInstance, Fanout>(
    new Fanout(),
    (fanout) => ({ pubsub: new InProcessPubSub({ fanout }), ready: async () => {} }),
    (instance) => instance.pubsub.close(),
  ),
);

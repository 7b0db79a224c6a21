import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import pino from "pino";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createMetricsRegistry } from "../../metrics/registry.ts";
import type { Database } from "../../storage/index.ts";
import { storageMetrics } from "./metrics.ts";
import { sweepExpired } from "./retention.ts";
import { storageSink } from "./sink.ts";
import { type AnyDatabase, countStoredUps, readStoredUps, type StoredUpQuery } from "./store.ts";

/**
 * The storage's behaviour on one engine: written through the group-commit sink, read back with
 * every filter. `open` gives a fresh migrated database.
 */

const t0 = Date.parse("2026-12-01T10:00:00.000Z");
const minute = 60_000;

/** An uplink (or another type) of a device, received `minutes` after t0. */
export function storedUp(
  applicationId: string,
  deviceId: string,
  minutes: number,
  kind: "uplink" | "join" | "queued" = "uplink",
  fPort = 1,
): ApplicationUp {
  const up =
    kind === "uplink"
      ? {
          case: "uplinkMessage" as const,
          value: { fPort, fCnt: minutes, frmPayload: new Uint8Array([minutes]) },
        }
      : kind === "join"
        ? { case: "joinAccept" as const, value: { sessionKeyId: new Uint8Array([1]) } }
        : { case: "downlinkQueued" as const, value: { fPort, frmPayload: new Uint8Array([2]) } };
  return create(ApplicationUpSchema, {
    endDeviceIds: { applicationIds: { applicationId }, deviceId },
    correlationIds: [`test:${deviceId}:${minutes}`],
    receivedAt: timestampFromMs(t0 + minutes * minute),
    up,
  });
}

/** A database handle that counts the transactions begun through it. */
export function countingTransactions(db: AnyDatabase): { db: AnyDatabase; count: () => number } {
  let count = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property === "transaction")
        return () => {
          count++;
          return target.transaction();
        };
      return Reflect.get(target, property, receiver);
    },
  });
  return { db: counted, count: () => count };
}

const fCntsOf = (ups: ApplicationUp[]) =>
  ups.map((up) => `${up.endDeviceIds?.deviceId}:${up.correlationIds[0]?.split(":")[2]}`);

async function read(db: AnyDatabase, query: Partial<StoredUpQuery>): Promise<string[]> {
  const ups: ApplicationUp[] = [];
  for await (const up of readStoredUps(db, { applicationId: "app1", order: "asc", ...query }, 2))
    ups.push(up);
  return fCntsOf(ups);
}

export function storageConformance(open: () => Promise<Database>): void {
  const logger = pino({ level: "silent" });

  async function filled() {
    const database = await open();
    const counted = countingTransactions(database.db);
    const metrics = storageMetrics(createMetricsRegistry());
    const sink = storageSink({
      db: counted.db,
      metrics,
      commitIntervalMs: 5,
      maxBatch: 100,
      now: () => t0 + 100 * minute,
    });
    const messages = [
      storedUp("app1", "dev1", 0),
      storedUp("app1", "dev1", 1, "uplink", 2),
      storedUp("app1", "dev2", 2),
      storedUp("app1", "dev1", 3, "join"),
      storedUp("app1", "dev2", 4, "queued"),
      storedUp("app1", "dev2", 5, "uplink", 2),
      storedUp("app2", "dev1", 6),
    ];
    // All handed in at once, as concurrent uplinks are: one batch, one transaction.
    await Promise.all(messages.map((up) => sink.handle(up)));
    return { database, db: database.db, sink, metrics, transactions: counted.count };
  }

  it("writes many messages in one transaction, and each handle resolves once committed", async () => {
    const s = await filled();
    try {
      assert.equal(s.transactions(), 1);
      assert.equal((await read(s.db, {})).length, 6, "committed when handle resolved");
      // A batch reaching max_batch is written at once, the rest in the next transaction.
      const counted = countingTransactions(s.db);
      const sink = storageSink({
        db: counted.db,
        metrics: s.metrics,
        commitIntervalMs: 60_000,
        maxBatch: 10,
        now: Date.now,
      });
      const many = Array.from({ length: 25 }, (_, i) => storedUp("app3", "dev", i));
      const handled = many.map((up) => sink.handle(up));
      await Promise.all(handled.slice(0, 20));
      assert.equal(counted.count(), 2, "two full batches written without waiting for the interval");
      await sink.close();
      await Promise.all(handled);
      assert.equal(counted.count(), 3, "close writes the rest");
      assert.equal((await read(s.db, { applicationId: "app3" })).length, 25);
      await assert.rejects(sink.handle(storedUp("app3", "dev", 99)), /closed/);
    } finally {
      await s.sink.close();
      await s.database.close();
    }
  });

  it("reads by application or device, type, f_port, time range, order and limit", async () => {
    const s = await filled();
    try {
      const all = ["dev1:0", "dev1:1", "dev2:2", "dev1:3", "dev2:4", "dev2:5"];
      assert.deepEqual(await read(s.db, {}), all, "oldest first, paged in twos");
      assert.deepEqual(await read(s.db, { order: "desc" }), [...all].reverse());
      assert.deepEqual(await read(s.db, { deviceId: "dev1" }), ["dev1:0", "dev1:1", "dev1:3"]);
      assert.deepEqual(await read(s.db, { type: "uplink_message" }), [
        "dev1:0",
        "dev1:1",
        "dev2:2",
        "dev2:5",
      ]);
      assert.deepEqual(await read(s.db, { type: "join_accept" }), ["dev1:3"]);
      assert.deepEqual(await read(s.db, { type: "downlink_queued", deviceId: "dev2" }), ["dev2:4"]);
      assert.deepEqual(await read(s.db, { fPort: 2 }), ["dev1:1", "dev2:5"]);
      assert.deepEqual(
        await read(s.db, { afterMs: t0 + minute, beforeMs: t0 + 3 * minute }),
        ["dev1:1", "dev2:2", "dev1:3"],
        "both bounds inclusive",
      );
      assert.deepEqual(await read(s.db, { limit: 3 }), ["dev1:0", "dev1:1", "dev2:2"]);
      assert.deepEqual(await read(s.db, { limit: 3, order: "desc" }), [
        "dev2:5",
        "dev2:4",
        "dev1:3",
      ]);
      assert.deepEqual(await read(s.db, { applicationId: "app2" }), ["dev1:6"]);
      assert.deepEqual(await read(s.db, { applicationId: "app9" }), []);

      assert.deepEqual(Object.fromEntries(await countStoredUps(s.db, { applicationId: "app1" })), {
        dev1: 3,
        dev2: 3,
      });
      assert.deepEqual(
        Object.fromEntries(
          await countStoredUps(s.db, {
            applicationId: "app1",
            type: "uplink_message",
            deviceId: "dev2",
          }),
        ),
        { dev2: 2 },
      );
      const stored = [];
      for await (const up of readStoredUps(s.db, { applicationId: "app1", order: "asc", limit: 1 }))
        stored.push(up);
      assert.deepEqual(stored[0], storedUp("app1", "dev1", 0), "the message as it was handed in");
    } finally {
      await s.sink.close();
      await s.database.close();
    }
  });

  it("sweeps messages older than the retention period in batches", async () => {
    const s = await filled();
    try {
      const metrics = storageMetrics(createMetricsRegistry());
      const deleted = await sweepExpired({
        db: s.db,
        metrics,
        logger,
        // Now is t0 + 10 min; keep 7 min: messages of minutes 0, 1 and 2 go.
        retentionMs: 7 * minute,
        batchSize: 2,
        now: () => t0 + 10 * minute,
      });
      assert.equal(deleted, 3);
      assert.deepEqual(await read(s.db, {}), ["dev1:3", "dev2:4", "dev2:5"]);
      assert.equal((await metrics.expired.get()).values[0]?.value, 3);
    } finally {
      await s.sink.close();
      await s.database.close();
    }
  });
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import pino from "pino";
import { Registry } from "prom-client";
import type { BatchUpdateEndDeviceLastSeenRequest } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { lastSeenMetrics } from "./metrics.ts";
import { createLastSeenReporter, type LastSeenReporterOptions } from "./reporter.ts";

/** A fake Identity Server: records every call's updates; fails while `down`. */
function fakeRegistry() {
  const calls: string[][] = [];
  const state = { down: false };
  return {
    calls,
    state,
    client: () => ({
      async batchUpdateLastSeen(request: BatchUpdateEndDeviceLastSeenRequest) {
        if (state.down) throw new Error("Identity Server unavailable");
        calls.push(
          request.updates.map(
            (u) =>
              `${u.ids?.applicationIds?.applicationId}/${u.ids?.deviceId}@${u.lastSeenAt ? timestampMs(u.lastSeenAt) : "none"}`,
          ),
        );
        return {};
      },
    }),
  };
}

function reporterWith(
  is: ReturnType<typeof fakeRegistry>,
  options: Partial<LastSeenReporterOptions> = {},
) {
  const registry = new Registry();
  const metrics = lastSeenMetrics(registry);
  const reporter = createLastSeenReporter({
    registry: is.client,
    flushIntervalMs: 60_000,
    maxPending: 100,
    metrics,
    logger: pino({ level: "silent" }),
    ...options,
  });
  const count = async (name: string) =>
    (await registry.getSingleMetric(`lorastack_ns_last_seen_${name}_total`)?.get())?.values[0]
      ?.value ?? 0;
  return { reporter, count };
}

describe("last-seen reporter", () => {
  it("sends each device once per flush with its newest time, in calls of maxBatch", async () => {
    const is = fakeRegistry();
    const { reporter, count } = reporterWith(is, { maxBatch: 2 });
    reporter.seen("app1", "dev1", 1000);
    reporter.seen("app1", "dev1", 3000);
    reporter.seen("app1", "dev1", 2000); // older: does not move the time back
    reporter.seen("app1", "dev2", 1500);
    reporter.seen("app2", "dev1", 500);
    assert.equal(reporter.pending, 3);
    await reporter.flush();
    assert.deepEqual(is.calls, [["app1/dev1@3000", "app1/dev2@1500"], ["app2/dev1@500"]]);
    assert.equal(reporter.pending, 0);
    assert.equal(await count("reported"), 3);

    await reporter.flush();
    assert.equal(is.calls.length, 2, "nothing noted: no call");
  });

  it("keeps what a failed flush could not send, newer times noted meanwhile winning", async () => {
    const is = fakeRegistry();
    const { reporter, count } = reporterWith(is);
    reporter.seen("app1", "dev1", 1000);
    reporter.seen("app1", "dev2", 1000);
    is.state.down = true;
    await reporter.flush();
    assert.equal(await count("failures"), 1);
    assert.equal(reporter.pending, 2);
    reporter.seen("app1", "dev2", 5000);
    reporter.seen("app1", "dev3", 6000);
    is.state.down = false;
    await reporter.flush();
    assert.deepEqual(is.calls, [["app1/dev1@1000", "app1/dev2@5000", "app1/dev3@6000"]]);
    assert.equal(reporter.pending, 0);
  });

  it("keeps only the chunks that failed", async () => {
    const is = fakeRegistry();
    let calls = 0;
    const flaky = () => ({
      async batchUpdateLastSeen(request: BatchUpdateEndDeviceLastSeenRequest) {
        calls++;
        if (calls === 2) throw new Error("timeout");
        return is.client().batchUpdateLastSeen(request);
      },
    });
    const { reporter } = reporterWith(is, { maxBatch: 1, registry: flaky });
    for (const device of ["a", "b", "c"]) reporter.seen("app", device, 1);
    await reporter.flush();
    assert.deepEqual(is.calls, [["app/a@1"]]);
    await reporter.flush();
    assert.deepEqual(is.calls, [["app/a@1"], ["app/b@1"], ["app/c@1"]]);
  });

  it("drops the earliest noted devices above maxPending and counts them", async () => {
    const is = fakeRegistry();
    const { reporter, count } = reporterWith(is, { maxPending: 3 });
    reporter.seen("app1", "dev1", 1);
    reporter.seen("app2", "dev1", 2);
    reporter.seen("app1", "dev2", 3);
    reporter.seen("app1", "dev1", 4); // known: updated, nothing dropped
    assert.equal(await count("dropped"), 0);
    reporter.seen("app3", "dev1", 5);
    assert.equal(reporter.pending, 3);
    assert.equal(await count("dropped"), 1);

    // A failed flush puts its devices back first; the cap holds with those noted since.
    is.state.down = true;
    await reporter.flush();
    reporter.seen("app4", "dev1", 6);
    reporter.seen("app4", "dev2", 7);
    assert.equal(reporter.pending, 3);
    is.state.down = false;
    await reporter.flush();
    assert.equal(await count("dropped"), 3);
    assert.deepEqual(is.calls, [["app3/dev1@5", "app4/dev1@6", "app4/dev2@7"]]);
  });

  it("flushes on the timer and at stop", async () => {
    const is = fakeRegistry();
    const { reporter } = reporterWith(is, { flushIntervalMs: 20 });
    reporter.start();
    reporter.seen("app", "dev", 1);
    const until = Date.now() + 2000;
    while (is.calls.length === 0 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(is.calls, [["app/dev@1"]]);
    reporter.seen("app", "dev", 2);
    await reporter.stop();
    assert.deepEqual(is.calls.at(-1), ["app/dev@2"]);
  });
});

/**
 * `--instances`: the flag's checks and the report's markdown (the run itself is
 * `npm run bench:end-to-end -- --instances 3`, minutes of load on PostgreSQL and Redis).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { type InstancesReport, instancesMarkdown, parseInstances } from "./instances.ts";

it("--instances takes a whole number from 1 to 9", () => {
  assert.equal(parseInstances(undefined), undefined);
  assert.equal(parseInstances("3"), 3);
  for (const bad of ["0", "10", "1.5", "three", "", "-2"])
    assert.throws(() => parseInstances(bad), /--instances .*: expected a whole number from 1 to 9/);
});

it("the markdown has a row per cluster size with its sustained rate, and says what 2 cores mean", () => {
  const step = (targetRate: number, p99: number, loss = 0) => ({
    targetRate,
    sentRate: targetRate,
    sent: targetRate,
    delivered: targetRate,
    loss,
    p50: p99 / 2,
    p99,
    max: p99,
    systemCores: 0.5,
    generatorCores: 0.2,
    clusterCores: 1.25,
  });
  const report: InstancesReport = {
    date: "2026-12-06T04:00:00.000Z",
    plan: "quick",
    machine: { node: "v24.0.0", cores: 2 },
    devices: 1000,
    gateways: 12,
    results: [
      { instances: 1, steps: [step(50, 40), step(100, 90)], sustained: 100, startSeconds: 9 },
      {
        instances: 2,
        steps: [step(50, 60), step(100, 3000, 0.2)],
        sustained: 50,
        startSeconds: 12,
      },
    ],
  };
  const markdown = instancesMarkdown(report);
  assert.match(markdown, /^\| 1 \| 100 \| 90 \| 1\.25 \| 9 \|$/m);
  assert.match(markdown, /^\| 2 \| 50 \| 60 \| 1\.25 \| 12 \|$/m);
  assert.match(markdown, /On 2 cores the point is correctness and overhead, not speed-up/);
  assert.match(markdown, /^\| 2 \| 100 \| 100 \| 20\.00% \| 1500 \| 3000 \|/m);
});

import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { loadConfig, readSection } from "../config/index.ts";
import { createLogger } from "../log/logger.ts";
import { programConfig } from "../program/config.ts";
import { registerInstanceInfo } from "../runtime/instance-info.ts";
import { claimKind, countedClaims } from "./claims-metrics.ts";
import { clusterConfig } from "./config.ts";
import { instanceIdentity } from "./identity.ts";
import { InProcessClaims } from "./in-process/claims.ts";

const clusterId = (env: Record<string, string>) =>
  readSection(clusterConfig, loadConfig(programConfig, { env }).config).cluster.id;

describe("instance identity", () => {
  it("is cluster.id, or the host name and process id; the id adds a random suffix", () => {
    const named = instanceIdentity(clusterId({ LORASTACK_CLUSTER_ID: "eu1-gs-2" }));
    assert.equal(named.name, "eu1-gs-2");
    assert.match(named.instanceId, /^eu1-gs-2\.[0-9a-f]{8}$/);
    assert.notEqual(
      instanceIdentity("eu1-gs-2").instanceId,
      named.instanceId,
      "unique per process",
    );
    const unnamed = instanceIdentity(clusterId({}));
    assert.match(unnamed.name, new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]*-${process.pid}$`));
  });

  it("refuses a cluster.id that is not a short name", () => {
    for (const bad of ["has space", "-leading", "a/b", "x".repeat(65), "ünïcode"])
      assert.throws(() => clusterId({ LORASTACK_CLUSTER_ID: bad }), /cluster\.id/, bad);
  });

  it("reads cluster.task_store: redis by default, database, nothing else", () => {
    const store = (env: Record<string, string>) =>
      readSection(clusterConfig, loadConfig(programConfig, { env }).config).cluster.task_store;
    assert.equal(store({}), "redis");
    assert.equal(store({ LORASTACK_CLUSTER_TASK_STORE: "database" }), "database");
    assert.throws(() => store({ LORASTACK_CLUSTER_TASK_STORE: "memory" }), /cluster\.task_store/);
  });

  it("puts the instance on every JSON log line", () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger({ level: "info", format: "json" } as never, destination, {
      instance: "eu1-gs-2",
    });
    logger.info("one");
    logger.child({ component: "gs" }).warn("two");
    assert.deepEqual(
      lines.map((line) => [line.instance, line.msg]),
      [
        ["eu1-gs-2", "one"],
        ["eu1-gs-2", "two"],
      ],
    );
  });

  it("exports lorastack_instance_info with the instance, version and sorted components", async () => {
    const metrics = new Registry();
    registerInstanceInfo(metrics, {
      instance: "eu1-gs-2",
      components: ["ns", "gs"],
      version: "9.9.9",
    });
    assert.match(
      await metrics.metrics(),
      /^lorastack_instance_info\{instance="eu1-gs-2",version="9\.9\.9",components="gs,ns"\} 1$/m,
    );
  });
});

describe("claims metrics", () => {
  it("keeps claim kinds to a few words", () => {
    assert.equal(claimKind("gateway:gtw-1"), "gateway");
    assert.equal(claimKind("no-kind"), "other");
    assert.equal(claimKind("Evil Kind{}:x"), "other");
    assert.equal(claimKind(`${"a".repeat(40)}:x`), "other");
  });

  it("counts the claims this instance holds: claimed, released, taken, restored", async () => {
    const metrics = new Registry();
    const table = new Map();
    const here = countedClaims(
      new InProcessClaims({ instanceId: "a", address: "a" }, table),
      metrics,
    );
    const there = new InProcessClaims({ instanceId: "b", address: "b" }, table);
    const count = async () =>
      (await metrics.getSingleMetric("lorastack_cluster_claims")?.get())?.values.find(
        (value) => value.labels.kind === "gateway",
      )?.value ?? 0;

    const one = await here.claim("gateway:one", 5000);
    const two = await here.claim("gateway:two", 60);
    assert.ok(one && two);
    assert.equal(await here.claim("gateway:one", 5000), undefined, "refused claims do not count");
    assert.equal(await count(), 2);
    await one.release();
    await one.release();
    assert.equal(await count(), 1, "released once");
    await there.claim("gateway:two", 5000, { takeOver: true });
    assert.equal(await two.renew(), "taken");
    assert.equal(await two.renew(), "taken");
    assert.equal(await count(), 0, "taken by another instance");
    table.clear();
    assert.equal(await two.renew(), "restored");
    assert.equal(await count(), 1, "restored");
  });
});

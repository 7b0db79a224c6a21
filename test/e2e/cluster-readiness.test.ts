/**
 * One instance with Redis: `/readyz` follows Redis (503 naming it while Redis is down, 200
 * once it is back, without a restart of the stack) while `/healthz` stays 200; the instance's
 * name (`cluster.id`) is on every log line and in `/metrics`.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeBackend } from "../../src/cluster/conformance/fixture.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { redisSkipReason, startRedis, type TestRedis } from "../harness/redis.ts";
import { until } from "../harness/until.ts";

interface ReadyAnswer {
  ready: boolean;
  dependencies: Record<string, string>;
  failed: string[];
}

describeBackend("cluster readiness and identity", await redisSkipReason(), () => {
  let redis: TestRedis;
  let stack: LorastackProcess;

  before(async () => {
    redis = await startRedis();
    stack = await startLorastack({
      env: { LORASTACK_REDIS_URI: redis.uri, LORASTACK_CLUSTER_ID: "e2e-eu1" },
    });
  });
  after(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  const readyz = async () => {
    const response = await fetch(`${stack.httpUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as ReadyAnswer };
  };

  it("names the instance on every log line and in /metrics", async () => {
    assert.ok(stack.logs.length > 5);
    for (const line of stack.logs) assert.equal(line.instance, "e2e-eu1", JSON.stringify(line));
    const metrics = await (await fetch(`http://${stack.listeners.get("metrics")}/metrics`)).text();
    assert.match(
      metrics,
      /^lorastack_instance_info\{instance="e2e-eu1",version="[^"]+",components="as,console,gcs,gs,is,js,ns",service="lorastack"\} 1$/m,
    );
    assert.match(metrics, /^# TYPE lorastack_cluster_claims gauge$/m);
  });

  it("is not ready while Redis is down, and ready again once it is back", async () => {
    const up = await readyz();
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.dependencies.redis, "ok");
    assert.equal(up.body.dependencies.database, "ok");

    await redis.halt();
    const down = await until(
      async () => {
        const answer = await readyz();
        return answer.status === 503 ? answer : undefined;
      },
      { what: "/readyz 503 with Redis down", timeoutMs: 10_000 },
    );
    assert.deepEqual(down.body.failed, ["redis"]);
    assert.equal(down.body.dependencies.redis, "unavailable");
    assert.doesNotMatch(JSON.stringify(down.body), /127\.0\.0\.1/, "no internal addresses");
    assert.equal((await fetch(`${stack.httpUrl}/healthz`)).status, 200, "still alive");
    await until(
      async () =>
        stack.logs.find(
          (line) => line.msg === "dependency unavailable: not ready" && line.dependency === "redis",
        ),
      { what: "the failure logged with its reason" },
    );

    await redis.resume();
    await until(async () => ((await readyz()).status === 200 ? true : undefined), {
      what: "/readyz 200 with Redis back",
      timeoutMs: 20_000,
    });
    assert.equal(stack.child.exitCode, null, "the stack did not restart");
  });
});

/**
 * Scale-out: `lorastack start` as several instances on one PostgreSQL and one Redis (throwaway
 * servers from the system binaries), real sockets throughout, `bin/lorastack simulate` as the
 * gateways and devices.
 *
 * - Three instances with every component, the simulator's gateways spread over them: every
 *   uplink reaches MQTT exactly once, confirmed uplinks are ACKed through gateways connected to
 *   any instance.
 * - Redis restarted under load: the instances recover without a restart of their own.
 * - kill -9 one instance under load behind a UDP load balancer stand-in: its gateways move to
 *   the others, no acknowledged uplink or queued downlink is lost, no frame counter goes back.
 * - Components split over four processes (gs, ns, as, js+is) finding each other by DNS SRV
 *   from a DNS responder on 127.0.0.1: a device joins and its uplinks reach MQTT.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import mqtt from "mqtt";
import { describeBackend } from "../../src/cluster/conformance/fixture.ts";
import type { SimulationReport } from "../../src/simulator/run/report.ts";
import { type ClusterInstance, startCluster, type TestCluster } from "../harness/cluster.ts";
import { startHttpRouter } from "../harness/http-router.ts";
import { lorastackBin } from "../harness/lorastack-process.ts";
import { postgresSkipReason } from "../harness/postgres.ts";
import { redisSkipReason } from "../harness/redis.ts";
import type { Json } from "../harness/rest-client.ts";
import { run } from "../harness/run.ts";
import { startUdpBalancer } from "../harness/udp-balancer.ts";
import { until } from "../harness/until.ts";

const skip = postgresSkipReason() ?? (await redisSkipReason());

/** An application uplink as MQTT delivered it. */
interface Delivered {
  /** The instance whose broker the client is connected to. */
  via: string;
  deviceId: string;
  fCnt: number;
  confirmed: boolean;
}

/** MQTT clients of application `app1`, one per given instance, recording every uplink. */
async function subscribe(cluster: TestCluster, instances: ClusterInstance[]) {
  const delivered: Delivered[] = [];
  const clients = await Promise.all(
    instances.map(async (instance) => {
      const client = await mqtt.connectAsync(`mqtt://${instance.listeners.get("mqtt")}`, {
        username: "app1@ttn",
        password: cluster.adminKey,
        protocolVersion: 4,
        reconnectPeriod: 500,
      });
      client.on("message", (_topic, payload) => {
        const json = JSON.parse(payload.toString()) as Json;
        const uplink = json.uplink_message;
        if (!uplink) return;
        delivered.push({
          via: instance.name,
          deviceId: json.end_device_ids.device_id,
          fCnt: uplink.f_cnt ?? 0,
          confirmed: uplink.confirmed === true,
        });
      });
      await client.subscribeAsync("v3/app1@ttn/devices/+/up", { qos: 1 });
      return client;
    }),
  );
  return {
    delivered,
    /** The uplinks of devices whose ID starts with `prefix`, as `<device>/<f_cnt>` per client. */
    frames(prefix: string, via?: string): string[] {
      return delivered
        .filter((d) => d.deviceId.startsWith(prefix) && (via === undefined || d.via === via))
        .map((d) => `${d.deviceId}/${d.fCnt}`);
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync(true)));
    },
  };
}

/** `bin/lorastack simulate --register ... --json`: its final report. */
async function simulate(
  cluster: TestCluster,
  apiUrl: string,
  flags: Record<string, string | number>,
): Promise<SimulationReport> {
  const args = [lorastackBin, "simulate", "--server", "127.0.0.1"];
  args.push("--api-url", apiUrl, "--register", "--api-key", cluster.adminKey);
  args.push("--application-id", "app1", "--json");
  for (const [flag, value] of Object.entries(flags)) args.push(`--${flag}`, String(value));
  const result = await run(process.execPath, args, { timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as SimulationReport;
}

/** Each frame once: no `<device>/<f_cnt>` twice. */
function assertOnce(frames: string[], what: string): void {
  const seen = new Set<string>();
  const twice = frames.filter((frame) => seen.has(frame) || !seen.add(frame));
  assert.deepEqual(twice, [], `${what}: frames delivered more than once`);
}

/**
 * Per device, frame counters in the order MQTT delivered them never go back (a frame handed
 * over again after a failure may come twice: MQTT is at least once; exactly once is checked
 * where nothing fails).
 */
function assertCountersForward(delivered: Delivered[], prefix: string, via: string): void {
  const last = new Map<string, number>();
  for (const d of delivered) {
    if (!d.deviceId.startsWith(prefix) || d.via !== via) continue;
    const before = last.get(d.deviceId);
    assert.ok(
      before === undefined || d.fCnt >= before,
      `${d.deviceId}: f_cnt ${d.fCnt} after ${before} (via ${via})`,
    );
    last.set(d.deviceId, d.fCnt);
  }
}

const udpOf = (instance: ClusterInstance) => instance.listeners.get("udp") as string;

/** The sum of a metric's series on an instance's `/metrics` whose labels include `labels`. */
async function metric(instance: ClusterInstance, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://${instance.listeners.get("metrics")}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

describeBackend("scale-out: three instances on PostgreSQL and Redis", skip, () => {
  let cluster: TestCluster;
  let mqttClients: Awaited<ReturnType<typeof subscribe>>;

  before(async () => {
    cluster = await startCluster({
      instances: [{ name: "eu1-1" }, { name: "eu1-2" }, { name: "eu1-3" }],
      env: { LORASTACK_GS_CLAIM_TTL: "6s" },
    });
    const first = cluster.instances[0] as ClusterInstance;
    await cluster.restOk(first, "POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    mqttClients = await subscribe(cluster, cluster.instances);
  });
  after(async () => {
    await mqttClients?.close();
    await cluster?.stop();
  });

  it("delivers every uplink once and ACKs confirmed uplinks through gateways on every instance", async () => {
    const [one, two, three] = cluster.instances as [
      ClusterInstance,
      ClusterInstance,
      ClusterInstance,
    ];
    const report = await simulate(cluster, three.httpUrl, {
      "udp-address": [one, two, three].map(udpOf).join(","),
      gateways: 3,
      devices: 6,
      rate: 2,
      duration: 15,
      confirmed: 0.5,
      "id-prefix": "spread",
      radius: 500,
    });
    assert.equal(report.joined, 6, JSON.stringify(report));
    assert.ok(report.receptionsPerUplink >= 2, "frames heard by gateways on several instances");
    // The report counts every transmission: join-requests and retransmissions are not frames.
    const sent = report.uplinks - report.joinRequests - report.retransmissions;
    assert.ok(sent >= 6, JSON.stringify(report));
    const everywhere = () =>
      cluster.instances.every(
        (instance) => mqttClients.frames("spread-", instance.name).length >= sent,
      );
    await until(async () => (everywhere() ? true : undefined), {
      what: `${sent} uplinks on MQTT on every instance`,
      timeoutMs: 10_000,
    }).catch(() => {});
    // Whichever instance handled a frame (heard by gateways on all three), a client connected to
    // any instance gets it, once.
    for (const instance of cluster.instances) {
      const frames = mqttClients.frames("spread-", instance.name);
      assertOnce(frames, `MQTT on ${instance.name}`);
      assert.equal(frames.length, sent, `${instance.name}: ${JSON.stringify(report)}`);
    }
    // Downlinks went out through gateways on other instances than the one that handled the
    // uplink (the NS picks among every gateway that heard it): every confirmed uplink ACKed.
    assert.ok(report.confirmedUplinks >= 3, JSON.stringify(report));
    assert.equal(report.unacknowledged, 0, JSON.stringify(report));
    assert.equal(report.lateDownlinks, 0, JSON.stringify(report));
    // Per instance, the downlinks its Network Server scheduled and those its Gateway Server
    // handed to its gateways: the same in total, not on each instance — the difference went to
    // gateways held by another instance, through its peer.
    const scheduled = await Promise.all(
      cluster.instances.map((instance) =>
        metric(instance, "lorastack_ns_downlinks_total", 'result="scheduled"'),
      ),
    );
    const sentHere = await Promise.all(
      cluster.instances.map((instance) => metric(instance, "lorastack_gs_downlinks_sent_total")),
    );
    const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
    assert.ok(total(scheduled) >= 6, `downlinks scheduled: ${scheduled}`);
    assert.equal(total(sentHere), total(scheduled), `sent ${sentHere}, scheduled ${scheduled}`);
    assert.ok(
      scheduled.some((count, index) => count !== sentHere[index]),
      `some downlinks crossed instances: scheduled ${scheduled}, sent ${sentHere}`,
    );
    for (const id of ["spread-gw-1", "spread-gw-2", "spread-gw-3"]) {
      const stats = await cluster.restOk(one, "GET", `/gs/gateways/${id}/connection/stats`);
      assert.ok(
        Number(stats.uplink_count ?? 0) > 0,
        `${id} on its instance: ${JSON.stringify(stats)}`,
      );
    }
  });

  it("recovers from a Redis restart under load without restarting", async () => {
    const [one, two, three] = cluster.instances as [
      ClusterInstance,
      ClusterInstance,
      ClusterInstance,
    ];
    const pids = cluster.instances.map((instance) => instance.child.pid);
    const running = simulate(cluster, one.httpUrl, {
      "udp-address": [one, two, three].map(udpOf).join(","),
      gateways: 3,
      devices: 4,
      rate: 2,
      duration: 22,
      "id-prefix": "redis",
      radius: 500,
    });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await cluster.redis.halt();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await cluster.redis.resume();
    const resumedAt = mqttClients.delivered.length;
    const report = await running;
    assert.equal(report.joined, 4, JSON.stringify(report));
    for (const instance of cluster.instances)
      await until(
        async () => ((await fetch(`${instance.httpUrl}/readyz`)).status === 200 ? true : undefined),
        { what: `${instance.name} ready again`, timeoutMs: 15_000 },
      );
    assert.deepEqual(
      cluster.instances.map((instance) => instance.child.pid),
      pids,
    );
    assert.ok(
      cluster.instances.every((instance) => instance.alive),
      "no instance restarted",
    );
    // Uplinks sent after Redis came back reach MQTT, counters forward on every client.
    const after = mqttClients.delivered
      .slice(resumedAt)
      .filter((d) => d.deviceId.startsWith("redis-"));
    assert.ok(after.length >= 8, `uplinks after the restart: ${after.length}`);
    for (const instance of cluster.instances)
      assertCountersForward(mqttClients.delivered, "redis-", instance.name);
  });

  it("loses nothing when an instance is killed under load: its gateways move to the others", async () => {
    const [one, two, three] = cluster.instances as [
      ClusterInstance,
      ClusterInstance,
      ClusterInstance,
    ];
    const backends = [one, two, three];
    const balancer = await startUdpBalancer({
      backends: backends.map(udpOf),
      healthy: (index) => backends[index]?.alive === true,
    });
    try {
      const running = simulate(cluster, one.httpUrl, {
        "udp-address": balancer.address,
        gateways: 3,
        devices: 6,
        rate: 2,
        duration: 26,
        confirmed: 0.5,
        "id-prefix": "kill",
        radius: 500,
      });
      // Once the devices joined: a downlink queued for each through instance one.
      const devices = [
        "kill-dev-1",
        "kill-dev-2",
        "kill-dev-3",
        "kill-dev-4",
        "kill-dev-5",
        "kill-dev-6",
      ];
      await until(
        async () => {
          for (const id of devices) {
            const ns = await cluster.rest(
              one,
              "GET",
              `/ns/applications/app1/devices/${id}?field_mask=session`,
            );
            if (!ns.json.session?.dev_addr) return undefined;
          }
          return true;
        },
        { what: "every device joined", timeoutMs: 20_000, intervalMs: 500 },
      );
      await cluster.kill("eu1-3");
      for (const id of devices)
        await cluster.restOk(one, "POST", `/as/applications/app1/devices/${id}/down/push`, {
          downlinks: [{ f_port: 21, frm_payload: "AQI=" }],
        });
      const report = await running;
      assert.equal(balancer.moves >= 1, true, "a gateway of the killed instance moved");
      assert.ok(
        [...balancer.assignments().values()].every((backend) => backend !== 2),
        "no gateway left on the killed instance",
      );
      // Every queued downlink went out: the queues are empty, the devices received them.
      for (const id of devices) {
        const queue = await cluster.restOk(one, "GET", `/as/applications/app1/devices/${id}/down`);
        assert.deepEqual(queue.downlinks ?? [], [], `${id}'s queue`);
      }
      assert.ok(
        report.downlinks.rx1 + report.downlinks.rx2 >= report.joins + devices.length,
        `join-accepts and queued downlinks received: ${JSON.stringify(report)}`,
      );
      // On a client of each surviving instance: every acknowledged confirmed uplink arrived,
      // each frame once, counters only forward.
      assert.ok(report.acknowledged >= 3, JSON.stringify(report));
      for (const name of ["eu1-1", "eu1-2"]) {
        const confirmed = new Set(
          mqttClients.delivered
            .filter((d) => d.deviceId.startsWith("kill-") && d.confirmed && d.via === name)
            .map((d) => `${d.deviceId}/${d.fCnt}`),
        );
        assert.ok(
          confirmed.size >= report.acknowledged,
          `${name}: ${confirmed.size} confirmed uplinks on MQTT, ${report.acknowledged} ACKed`,
        );
        assertCountersForward(mqttClients.delivered, "kill-", name);
      }
    } finally {
      await balancer.close();
    }
  });
});

describeBackend("scale-out: components split over four processes found by DNS SRV", skip, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster({
      peers: "dns",
      instances: [
        { name: "gs1", components: ["gs"] },
        { name: "ns1", components: ["ns"] },
        { name: "as1", components: ["as"] },
        { name: "idjs1", components: ["js", "is"] },
      ],
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  it("joins a device through gs → ns → js and delivers its uplinks to MQTT on the as", async () => {
    const [gs, ns, as, is] = cluster.instances as ClusterInstance[] as [
      ClusterInstance,
      ClusterInstance,
      ClusterInstance,
      ClusterInstance,
    ];
    await cluster.restOk(is, "POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    const mqttClients = await subscribe(cluster, [as]);
    // The simulator registers through one API address: a reverse proxy routes by path.
    const router = await startHttpRouter(
      { "/api/v3/ns/": ns.httpUrl, "/api/v3/as/": as.httpUrl, "/api/v3/gs/": gs.httpUrl },
      is.httpUrl,
    );
    try {
      const report = await simulate(cluster, router.url, {
        "udp-address": udpOf(gs),
        gateways: 1,
        devices: 2,
        rate: 1,
        duration: 14,
        "id-prefix": "split",
        radius: 500,
      });
      assert.equal(report.joined, 2, JSON.stringify(report));
      await until(async () => (mqttClients.frames("split-").length >= 2 ? true : undefined), {
        what: "uplinks on MQTT",
      });
      assertOnce(mqttClients.frames("split-"), "split");
      const questions = cluster.dns?.questions ?? [];
      for (const role of ["is", "ns", "as", "js", "gs"])
        assert.ok(
          questions.includes(`SRV _ttn-v3-${role}-grpc._tcp.lorastack.test`),
          `${role} looked up: ${questions.join(", ")}`,
        );
    } finally {
      await router.close();
      await mqttClients.close();
    }
  });
});

/**
 * The CLI's traffic commands against a real `bin/lorastack start`: an ABP end device's
 * downlink queue, simulated uplinks seen by a running `lorastack events`, webhooks and
 * pub/subs, the connection stats of a gateway connected by a simulated Semtech UDP gateway
 * (and of one that is not connected), `global_conf.json`, and the usage errors. Each CLI run
 * is a child process with its own HOME and XDG_CONFIG_HOME; one stack for the whole file. A
 * small HTTP server of the test's own plays a server whose events stream breaks.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UdpGateway } from "../../src/simulator/gateways/udp-gateway.ts";
import { assertApiError, assertUsageError, cliHarness, type Json } from "../harness/cli.ts";
import { freePort } from "../harness/free-port.ts";
import { initialize } from "../harness/identity-admin.ts";
import {
  type LorastackProcess,
  lorastackBin,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { restOk } from "../harness/rest-client.ts";

const gatewayEui = "AA555A0000000301";

let dataDir: string;
let home: string;
let stack: LorastackProcess;
let adminKey: string;
let udp: UdpGateway;

const { cli, cliJson, envOf } = cliHarness(() => ({ home, server: stack.httpUrl }));

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-traffic-"));
  home = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-traffic-home-"));
  adminKey = await initialize(dataDir);
  const udpPort = await freePort();
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_NS_NET_ID: "000013",
      LORASTACK_NS_DEV_ADDR_PREFIXES: "26000000/7",
      LORASTACK_UDP_LISTEN: `127.0.0.1:${udpPort}`,
    },
  });
  const login = await cli(["login", "--api-key", "-"], { input: adminKey });
  assert.equal(login.code, 0, login.stderr);

  await api("POST", "/users/admin/applications", {
    application: { ids: { application_id: "app1" } },
  });
  // An ABP device in the Identity, Network and Application Servers, as a script registers it.
  const ids = {
    device_id: "dev1",
    dev_eui: "70B3D57ED0000301",
    application_ids: { application_id: "app1" },
  };
  await api("POST", "/applications/app1/devices", { end_device: { ids } });
  await api("PUT", "/ns/applications/app1/devices/dev1", {
    end_device: {
      ids,
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
      frequency_plan_id: "EU_863_870_TTN",
      supports_join: false,
      session: {
        dev_addr: "260B0301",
        keys: { f_nwk_s_int_key: { key: "0F0E0D0C0B0A09080706050403020100" } },
      },
    },
    field_mask: {
      paths: [
        "lorawan_version",
        "lorawan_phy_version",
        "frequency_plan_id",
        "supports_join",
        "session.dev_addr",
        "session.keys.f_nwk_s_int_key.key",
      ],
    },
  });
  await api("PUT", "/as/applications/app1/devices/dev1", {
    end_device: {
      ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
      session: {
        dev_addr: "260B0301",
        keys: { app_s_key: { key: "000102030405060708090A0B0C0D0E0F" } },
      },
    },
    field_mask: { paths: ["session.dev_addr", "session.keys.app_s_key.key"] },
  });
  for (const [id, eui] of [
    ["gw-connected", gatewayEui],
    ["gw-idle", "AA555A0000000302"],
  ]) {
    await api("POST", "/users/admin/gateways", {
      gateway: { ids: { gateway_id: id, eui }, frequency_plan_ids: ["EU_863_870_TTN"] },
    });
  }
  udp = new UdpGateway({
    id: "gw-connected",
    eui: gatewayEui,
    host: "127.0.0.1",
    port: udpPort,
    clock: () => performance.now(),
  });
  await udp.start();
});

after(async () => {
  await udp?.stop();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

/** A usage error: exit 2 and a message, before any call. */
async function assertUsage(args: string[], message: RegExp): Promise<void> {
  // A server that does not exist: a call would be exit 1, not 2.
  assertUsageError(await cli(args, { server: "http://127.0.0.1:1" }), args.join(" "), message);
}

/** A long-running CLI child whose stdout is read line by line. */
class LiveCli {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [lorastackBin, ...args], {
      env: envOf("operator", env),
      cwd: home,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rest = "";
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      rest += chunk;
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      this.lines.push(...lines.filter(Boolean));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = once(this.child, "exit").then(([code]) => code as number | null);
  }

  /** The first line (JSON) that `match` accepts, waiting for it up to `timeoutMs`. */
  async line(match: (line: Json) => boolean, timeoutMs = 15_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.map((line) => JSON.parse(line)).find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no such line within ${timeoutMs} ms: ${this.lines.join("\n")}\n${this.stderr}`,
        );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((wake) => this.#waiters.push(wake)),
        new Promise<void>((wake) => {
          timer = setTimeout(wake, left);
        }),
        this.exited,
      ]);
      clearTimeout(timer);
    }
  }

  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

describe("end-devices downlink", () => {
  it("push, list, replace and clear the queue of a device", async () => {
    const dev = ["app1", "dev1"];
    let result = await cli([
      ...["end-devices", "downlink", "push", ...dev],
      ...["--f-port", "15", "--frm-payload", "010203", "--priority", "high"],
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /pushed a downlink to app1\/dev1/);
    result = await cli([
      ...["devices", "downlink", "push", "--application-id", "app1", "--device-id", "dev1"],
      ...["--f-port", "16", "--frm-payload", "AA BB", "--confirmed"],
    ]);
    assert.equal(result.code, 0, result.stderr);

    let queue = await cliJson(["dev", "downlink", "list", ...dev]);
    assert.deepEqual(
      queue.map((down: Json) => [down.f_port, down.frm_payload, down.confirmed ?? false]),
      [
        [15, "AQID", false],
        [16, "qrs=", true],
      ],
    );
    assert.equal(queue[0].priority, "HIGH");

    result = await cli([
      ...["end-devices", "downlink", "replace", ...dev],
      ...["--f-port", "20", "--frm-payload", "ff"],
    ]);
    assert.equal(result.code, 0, result.stderr);
    queue = await cliJson(["end-devices", "downlink", "list", ...dev]);
    assert.deepEqual(
      queue.map((down: Json) => [down.f_port, down.frm_payload]),
      [[20, "/w=="]],
    );

    result = await cli(["end-devices", "downlink", "clear", ...dev]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /cleared the downlink queue of app1\/dev1/);
    assert.deepEqual(await cliJson(["end-devices", "downlink", "list", ...dev]), []);
  });

  it("a device that does not exist is the API's error (exit 1)", async () => {
    const result = await cli([
      ...["end-devices", "downlink", "push", "app1", "no-such-device"],
      ...["--f-port", "1", "--frm-payload", "01"],
    ]);
    assertApiError(result, /error: \S+:\S*not_found/);
  });

  it("usage errors exit 2 before any call", async () => {
    const push = ["end-devices", "downlink", "push", "app1", "dev1"];
    await assertUsage(
      [...push, "--f-port", "1"],
      /give --frm-payload \(hex\) or --decoded-payload/,
    );
    await assertUsage([...push, "--f-port", "1", "--frm-payload", "0x1"], /invalid --frm-payload/);
    await assertUsage([...push, "--f-port", "0", "--frm-payload", "01"], /invalid --f-port `0`/);
    await assertUsage(
      [...push, "--frm-payload", "01", "--priority", "urgent"],
      /invalid --priority `urgent`: use one of LOWEST, .*HIGHEST/,
    );
    await assertUsage([...push, "--decoded-payload", "[1]"], /invalid --decoded-payload/);
    await assertUsage(
      ["end-devices", "downlink", "list", "app1"],
      /missing device_id: give it as the first argument or with --device-id/,
    );
    await assertUsage(["end-devices", "downlink", "list", "App_1", "dev1"], /application_id/);
    await assertUsage([...push, "--frm-payload", "01", "--no-such-flag"], /unknown option/);
  });
});

describe("simulate-uplink and events", () => {
  it("a running `lorastack events` prints the simulated uplink as it happens; SIGINT ends it with 0", async () => {
    const events = new LiveCli([
      ...["events", "--application-id", "app1", "--names", "as.up.*"],
      ...["--server", stack.httpUrl],
    ]);
    try {
      // JSON lines on a pipe; the stream is open once its start is printed.
      const start = await events.line((event) => event.name === "events.stream.start");
      assert.ok(start.time);
      const result = await cli([
        ...["end-devices", "simulate-uplink", "app1", "dev1"],
        ...["--f-port", "7", "--frm-payload", "0A0B"],
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /simulated an uplink of app1\/dev1/);
      const forwarded = await events.line(
        (event) =>
          event.name === "as.up.data.forward" &&
          event.identifiers?.some((ids: Json) => ids.device_ids?.device_id === "dev1"),
      );
      assert.equal(forwarded.data.uplink_message.f_port, 7);
      assert.equal(forwarded.data.uplink_message.frm_payload, "Cgs=");
      assert.ok(
        events.lines.every((line) =>
          /^as\.up\.|^events\.stream\.start$/.test(JSON.parse(line).name),
        ),
        "only the names asked for",
      );
    } finally {
      const code = await events.stop("SIGINT");
      assert.equal(code, 0, events.stderr);
    }
    assert.equal(events.stderr, "");
  });

  it("simulate-uplink and events usage errors exit 2", async () => {
    await assertUsage(
      ["end-devices", "simulate-uplink", "app1", "dev1", "--f-port", "1"],
      /give --frm-payload/,
    );
    await assertUsage(["events"], /give at least one entity/);
    await assertUsage(["events", "--end-device-id", "app1"], /use application-id\/device-id/);
    await assertUsage(
      ["events", "--application-id", "app1", "--after", "yesterday"],
      /invalid --after `yesterday`/,
    );
    await assertUsage(["events", "--gateway-id", "gw-connected", "--tail", "-1"], /--tail/);
  });

  it("an error line from the server (an unknown event name) is exit 1 with its name", async () => {
    const result = await cli(["events", "--application-id", "app1", "--names", "no.such.event"]);
    assertApiError(result, /error: \S+:unknown_event_name/);
  });
});

describe("events stream that breaks", () => {
  let server: Server;
  let requests: Json[] = [];
  let url = "";
  const anyKey = { LORASTACK_API_KEY: "NNSXS.TEST.TEST" };

  before(async () => {
    // A stream start and one event, then the end of the answer: a server that went away.
    server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => {
        requests.push(JSON.parse(body));
        response.writeHead(200, { "content-type": "application/json" });
        response.write(`${JSON.stringify({ result: { name: "events.stream.start" } })}\n`);
        response.end(
          `${JSON.stringify({ result: { name: "as.up.data.forward", time: `2026-12-06T10:00:0${requests.length}Z` } })}\n`,
        );
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((done) => server.close(() => done())));

  it("is exit 1 (stream_lost) after printing what came", async () => {
    requests = [];
    const result = await cli(["events", "--gateway-id", "gw-1"], { server: url, env: anyKey });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /the events stream from .* ended: the server ended it/);
    assert.deepEqual(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).name),
      ["events.stream.start", "as.up.data.forward"],
    );
    assert.deepEqual(requests, [{ identifiers: [{ gateway_ids: { gateway_id: "gw-1" } }] }]);
  });

  it("with --reconnect connects again after the last event's time, until SIGINT (exit 0)", async () => {
    requests = [];
    const events = new LiveCli(
      [...["events", "--gateway-id", "gw-1", "--tail", "5", "--reconnect"], ...["--server", url]],
      anyKey,
    );
    // Stream 2 is opened after the 1 s pause and brings the event of 10:00:02.
    await events.line((event) => event.time === "2026-12-06T10:00:02Z");
    assert.equal(await events.stop("SIGINT"), 0, events.stderr);
    assert.equal(requests[0].tail, 5);
    assert.deepEqual(requests[1], {
      identifiers: [{ gateway_ids: { gateway_id: "gw-1" } }],
      after: "2026-12-06T10:00:01Z",
    });
    assert.match(events.stderr, /events stream lost \(the server ended it\); connecting again/);
  });
});

describe("applications webhooks and pubsubs", () => {
  it("webhooks: set, get, list, formats, delete", async () => {
    const created = await cliJson([
      ...["applications", "webhooks", "set", "app1", "hook1"],
      ...["--base-url", "https://example.com/lora", "--format", "json"],
      ...["--uplink-message.path", "/up", "--headers", "Authorization=Bearer x=y"],
    ]);
    assert.equal(created.ids.webhook_id, "hook1");
    assert.equal(created.base_url, "https://example.com/lora");

    const updated = await cliJson([
      ...["apps", "webhooks", "set", "--application-id", "app1", "--webhook-id", "hook1"],
      "--paused",
    ]);
    assert.equal(updated.paused, true);

    const read = await cliJson(["applications", "webhooks", "get", "app1", "hook1", "--all"]);
    assert.equal(read.base_url, "https://example.com/lora", "set changes only the given fields");
    assert.equal(read.format, "json");
    assert.deepEqual(read.headers, { Authorization: "Bearer x=y" });
    assert.equal(read.uplink_message.path, "/up");
    assert.equal(read.paused, true);

    const selected = await cliJson([
      "applications",
      "webhooks",
      "get",
      "app1",
      "hook1",
      "--format",
    ]);
    assert.equal(selected.format, "json");
    assert.equal(selected.base_url, undefined, "only the selected field");

    const listed = await cliJson(["applications", "webhooks", "list", "app1", "--base-url"]);
    assert.deepEqual(
      listed.map((hook: Json) => [hook.ids.webhook_id, hook.base_url]),
      [["hook1", "https://example.com/lora"]],
    );
    const formats = await cliJson(["applications", "webhooks", "formats"]);
    assert.ok("json" in formats && "protobuf" in formats, JSON.stringify(formats));

    const deleted = await cli(["applications", "webhooks", "delete", "app1", "hook1"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, "");
    assertApiError(
      await cli(["applications", "webhooks", "get", "app1", "hook1"]),
      /error: \S+:\S*not_found/,
    );
  });

  it("pubsubs: set, get, list, formats, delete", async () => {
    const created = await cliJson([
      ...["applications", "pubsubs", "set", "app1", "broker1"],
      ...["--format", "json", "--base-topic", "lora"],
      ...[
        "--provider.mqtt.server-url",
        "mqtt://127.0.0.1:1",
        "--provider.mqtt.publish-qos",
        "at_least_once",
      ],
      ...["--uplink-message.topic", "up", "--downlink-push.topic", "down/push"],
    ]);
    assert.equal(created.ids.pub_sub_id, "broker1");
    const read = await cliJson(["applications", "pubsubs", "get", "app1", "broker1", "--all"]);
    assert.equal(read.base_topic, "lora");
    assert.equal(read.mqtt.server_url, "mqtt://127.0.0.1:1");
    assert.equal(read.mqtt.publish_qos, "AT_LEAST_ONCE");
    assert.equal(read.uplink_message.topic, "up");
    assert.equal(read.downlink_push.topic, "down/push");
    const listed = await cliJson(["applications", "pubsubs", "list", "app1"]);
    assert.deepEqual(
      listed.map((pubsub: Json) => pubsub.ids.pub_sub_id),
      ["broker1"],
    );
    const formats = await cliJson(["applications", "pubsubs", "formats"]);
    assert.ok("json" in formats, JSON.stringify(formats));
    const deleted = await cli(["applications", "pubsubs", "delete", "app1", "broker1"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(await cliJson(["applications", "pubsubs", "list", "app1"]), []);
  });

  it("usage errors exit 2", async () => {
    await assertUsage(["applications", "webhooks", "set", "app1", "hook2"], /nothing to update/);
    await assertUsage(
      ["applications", "webhooks", "set", "app1", "hook2", "--headers", "novalue"],
      /invalid --headers `novalue`: use key=value/,
    );
    await assertUsage(
      ["applications", "pubsubs", "set", "app1", "b22", "--provider.mqtt.publish-qos", "twice"],
      /use one of AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE/,
    );
    await assertUsage(["applications", "webhooks", "get", "app1"], /missing webhook_id/);
  });
});

describe("gateways connection-stats and global-conf", () => {
  it("connection-stats of a connected gateway; of one not connected: exit 1, not_connected", async () => {
    const stats = await cliJson(["gateways", "connection-stats", "gw-connected"]);
    assert.ok(stats.connected_at, JSON.stringify(stats));
    assert.equal(stats.protocol, "udp");
    assertApiError(
      await cli(["gtw", "connection-stats", "--gateway-id", "gw-idle"]),
      /error: \S+:not_connected/,
    );
  });

  it("global-conf to stdout and to --output, as JSON", async () => {
    const printed = await cli(["gateways", "global-conf", "gw-connected"]);
    assert.equal(printed.code, 0, printed.stderr);
    const conf = JSON.parse(printed.stdout);
    assert.equal(conf.gateway_conf.gateway_ID, gatewayEui);
    assert.ok(conf.SX1301_conf.radio_0);

    const file = join(home, "global_conf.json");
    const written = await cli(["gateways", "global-conf", "gw-connected", "--output", file]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, "");
    assert.deepEqual(JSON.parse(await readFile(file, "utf8")), conf);

    assertApiError(await cli(["gateways", "global-conf", "no-such-gateway"]), /not_found/);
    await assertUsage(["gateways", "global-conf"], /missing gateway_id/);
  });
});

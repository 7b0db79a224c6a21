/**
 * `lorastack simulate` against the real program (`bin/lorastack start`): the command registers
 * its gateways and devices through the API and runs them; devices join, their uplinks reach an
 * MQTT integration decoded by the Application Server, a downlink pushed through the API reaches
 * the device in its window, ADR moves devices that start at SF12 to a faster data rate, and
 * class C devices take downlinks outside their class A windows. The report the command prints
 * is what the test reads, beside what the stack itself saw.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { planFleet } from "../../src/simulator/run/fleet.ts";
import type { SimulationOptions } from "../../src/simulator/run/options.ts";
import { registerFleet } from "../../src/simulator/run/register.ts";
import type { SimulationReport } from "../../src/simulator/run/report.ts";
import { runSimulation } from "../../src/simulator/run/run.ts";
import { createAdmin } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { type Json, restOk } from "../harness/rest-client.ts";
import { run } from "../harness/run.ts";
import { until } from "../harness/until.ts";

const bin = fileURLToPath(new URL("../../bin/lorastack", import.meta.url));
let stack: LorastackProcess;
let adminKey = "";

const api = (method: string, path: string, body?: unknown) =>
  restOk(stack.httpUrl, method, path, { key: adminKey, body });

/** The simulation's options against this stack (flags of the command, as options). */
function options(overrides: Partial<SimulationOptions>): SimulationOptions {
  const http = stack.listeners.get("http") as string;
  return {
    server: "127.0.0.1",
    udpAddress: stack.listeners.get("udp") as string,
    basicStationUrl: `ws://${stack.listeners.get("basic_station")}`,
    apiUrl: `http://${http}`,
    gateways: 1,
    gatewayProtocol: "udp",
    devices: 2,
    rate: 1,
    durationS: 10,
    version: "1.0.3",
    deviceClass: "A",
    activation: "otaa",
    frequencyPlanId: "EU_863_870",
    dataRate: 5,
    confirmed: 0,
    idPrefix: "sim",
    seed: 1,
    radiusM: 1000,
    json: true,
    register: { apiKey: adminKey, applicationId: "app1", gatewayOwner: "admin" },
    ...overrides,
  };
}

const quiet = { progress: () => {}, info: () => {} };

/** Polling the API while the simulation runs: a call that fails is "not yet". */
const simulatorWait = { timeoutMs: 20_000, intervalMs: 200, ignoreErrors: true };

/** `bin/lorastack simulate` pointed at this stack's listeners. */
function simulateCommand(): string[] {
  return [
    bin,
    "simulate",
    "--server",
    "127.0.0.1",
    "--udp-address",
    stack.listeners.get("udp") as string,
    "--basic-station-url",
    `ws://${stack.listeners.get("basic_station")}`,
    "--api-url",
    `http://${stack.listeners.get("http")}`,
  ];
}

describe("lorastack simulate against the running stack", () => {
  before(async () => {
    stack = await startLorastack({});
    adminKey = await createAdmin(stack.dataDir);
    await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app1" } },
    });
    // Uplinks decoded by the application's formatter: the counter the devices send.
    await api("PUT", "/as/applications/app1/link", {
      link: {
        default_formatters: {
          up_formatter: "FORMATTER_JAVASCRIPT",
          up_formatter_parameter:
            "function decodeUplink(input) { return { data: { counter: (input.bytes[0] << 24 | input.bytes[1] << 16 | input.bytes[2] << 8 | input.bytes[3]) >>> 0 } }; }",
        },
      },
      field_mask: { paths: ["default_formatters"] },
    });
  });

  after(async () => {
    await stack?.stop();
  });

  it("the command registers its fleet, joins it through UDP and Basics Station gateways, and its uplinks reach MQTT decoded", async () => {
    const mqttAddress = stack.listeners.get("mqtt") as string;
    const client = await mqtt.connectAsync(`mqtt://${mqttAddress}`, {
      username: "app1@ttn",
      password: adminKey,
      protocolVersion: 4,
    });
    const received: { topic: string; json: Json }[] = [];
    client.on("message", (topic, payload) =>
      received.push({ topic, json: JSON.parse(payload.toString()) }),
    );
    await client.subscribeAsync("v3/app1@ttn/devices/+/up");
    const result = await run(
      process.execPath,
      [
        ...simulateCommand(),
        "--register",
        "--api-key",
        adminKey,
        "--application-id",
        "app1",
        "--gateways",
        "2",
        "--gateway-protocol",
        "mixed",
        "--devices",
        "3",
        "--rate",
        "1",
        "--duration",
        "24",
        "--id-prefix",
        "cli",
        "--json",
      ],
      { timeoutMs: 60_000 },
    );
    await client.endAsync();
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as SimulationReport;
    assert.equal(report.devices, 3);
    assert.equal(report.gateways, 2);
    assert.equal(report.joined, 3, `every device joined: ${result.stdout}`);
    assert.ok(report.uplinks >= 3, `uplinks sent: ${report.uplinks}`);
    assert.equal(report.micFailures, 0);
    assert.ok(report.receptionsPerUplink >= 1.5, "frames heard by both gateways");
    // What the stack delivered: the devices' data uplinks, decoded, counted once per frame.
    const uplinks = received.filter((message) => message.json.uplink_message);
    assert.ok(uplinks.length >= 1, "uplinks on MQTT");
    for (const { topic, json } of uplinks) {
      assert.match(topic, /^v3\/app1@ttn\/devices\/cli-dev-[123]\/up$/);
      assert.equal(typeof json.uplink_message.decoded_payload?.counter, "number");
      assert.equal(json.uplink_message.rx_metadata.length >= 1, true);
    }
    // The fleet is in every registry.
    const device = await api("GET", "/ns/applications/app1/devices/cli-dev-1?field_mask=session");
    assert.ok(device.session?.dev_addr, "the NS holds a session");
    const gateway = await api("GET", "/gateways/cli-gw-2?field_mask=frequency_plan_ids");
    assert.deepEqual(gateway.frequency_plan_ids, ["EU_863_870"]);
  });

  it("a downlink pushed through the API reaches a class A device in RX1 of its next uplink", async () => {
    const run = runSimulation(
      options({ idPrefix: "down", devices: 1, durationS: 24, rate: 0.25 }),
      quiet,
    );
    // Pushed once the device joined (its join-accept comes 5 s after its first transmission).
    const [plan] = planFleet(options({ idPrefix: "down", devices: 1 })).devices;
    const deviceId = plan?.profile.deviceId as string;
    await until(async () => {
      const ns = await api("GET", `/ns/applications/app1/devices/${deviceId}?field_mask=session`);
      return ns.session?.dev_addr ? true : undefined;
    }, simulatorWait);
    await api("POST", `/as/applications/app1/devices/${deviceId}/down/push`, {
      downlinks: [{ f_port: 15, frm_payload: "AQID" }],
    });
    const report = await run;
    assert.equal(report.joined, 1);
    assert.ok(
      report.downlinks.rx1 + report.downlinks.rx2 >= 2,
      "join-accept and the data downlink",
    );
    assert.equal(report.missedDownlinks, 0);
    assert.equal(report.lateDownlinks, 0);
  });

  it("ADR moves devices that start at SF12 (DR0) to a faster data rate", async () => {
    const report = await runSimulation(
      options({ idPrefix: "adr", devices: 1, dataRate: 0, rate: 0.25, durationS: 30 }),
      quiet,
    );
    assert.equal(report.joined, 1);
    assert.ok(report.macCommandsApplied >= 1, `LinkADRReq applied: ${JSON.stringify(report)}`);
    assert.equal(
      report.dataRates.DR0 ?? 0,
      0,
      `no device left at DR0: ${JSON.stringify(report.dataRates)}`,
    );
  });

  it("class C devices take downlinks outside their class A windows", async () => {
    const run = runSimulation(
      options({ idPrefix: "classc", devices: 1, deviceClass: "C", durationS: 20, rate: 0.1 }),
      quiet,
    );
    const [plan] = planFleet(options({ idPrefix: "classc", devices: 1 })).devices;
    const deviceId = plan?.profile.deviceId as string;
    await until(async () => {
      const ns = await api("GET", `/ns/applications/app1/devices/${deviceId}?field_mask=session`);
      return ns.session?.dev_addr ? true : undefined;
    }, simulatorWait);
    await api("POST", `/as/applications/app1/devices/${deviceId}/down/push`, {
      downlinks: [{ f_port: 20, frm_payload: "BAUG" }],
    });
    const report = await run;
    assert.ok(
      report.downlinks.classC >= 1,
      `a class C downlink: ${JSON.stringify(report.downlinks)}`,
    );
  });

  it("runs a given list of registered devices (--devices-file), as the registries list them", async () => {
    // Registered earlier by other means: an ABP device that has sent frames, a LoRaWAN 1.1 OTAA one.
    const abp = options({ idPrefix: "given-abp", devices: 1, activation: "abp", version: "1.0.4" });
    const abpReport = await runSimulation({ ...abp, rate: 1, durationS: 5 }, quiet);
    assert.ok(abpReport.uplinks >= 2, JSON.stringify(abpReport));
    const otaa = options({ idPrefix: "given-otaa", devices: 1, version: "1.1" });
    await registerFleet(planFleet(otaa), {
      apiUrl: otaa.apiUrl,
      apiKey: adminKey,
      applicationId: "app1",
      gatewayOwner: "admin",
      frequencyPlanId: "EU_863_870",
      gatewayServerAddress: "127.0.0.1",
    });
    // The list as an operator gets it: each device from the registries that hold its parts.
    const listed = async (deviceId: string) => {
      const path = `/applications/app1/devices/${deviceId}`;
      const ns = await api(
        "GET",
        `/ns${path}?field_mask=lorawan_version,lorawan_phy_version,frequency_plan_id,supports_join,supports_class_c,session`,
      );
      const as = await api("GET", `/as${path}?field_mask=session.keys.app_s_key`);
      const js = ns.supports_join
        ? await api("GET", `/js${path}?field_mask=root_keys.app_key,root_keys.nwk_key`)
        : {};
      return deepMerge(deepMerge(ns, as), js);
    };
    const abpId = planFleet(abp).devices[0]?.profile.deviceId as string;
    const otaaId = planFleet(otaa).devices[0]?.profile.deviceId as string;
    const before = await listed(abpId);
    const lastFCnt = Number(before.session?.last_f_cnt_up ?? 0);
    assert.ok(lastFCnt >= 1, `the ABP device's frames counted: ${JSON.stringify(before.session)}`);
    const file = join(stack.dataDir, "devices.jsonl");
    await writeFile(file, `${JSON.stringify(before)}\n${JSON.stringify(await listed(otaaId))}\n`);
    const result = await run(
      process.execPath,
      [
        ...simulateCommand(),
        "--devices-file",
        file,
        "--id-prefix",
        "given-abp",
        "--rate",
        "1",
        "--duration",
        "12",
        "--json",
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as SimulationReport;
    assert.equal(report.devices, 2);
    assert.equal(report.joins, 1, `the OTAA device joined: ${result.stdout}`);
    assert.equal(report.micFailures, 0);
    // The ABP device went on from its counter: the stack took its new frames.
    const after = await api("GET", `/ns/applications/app1/devices/${abpId}?field_mask=session`);
    assert.ok(
      Number(after.session?.last_f_cnt_up) > lastFCnt,
      `frames after ${lastFCnt}: ${JSON.stringify(after.session)}`,
    );
    const otaaNs = await api("GET", `/ns/applications/app1/devices/${otaaId}?field_mask=session`);
    // Its session became the current one: the first uplink after the join arrived.
    assert.ok(
      otaaNs.session?.dev_addr,
      `the OTAA device's uplink arrived: ${JSON.stringify(otaaNs)}`,
    );
  });

  it("refuses a devices file it cannot simulate with exit code 2, naming the device", async () => {
    const file = join(stack.dataDir, "bad-devices.jsonl");
    await writeFile(
      file,
      `${JSON.stringify({ ids: { device_id: "no-keys", application_ids: { application_id: "app1" }, dev_eui: "70B3D57ED00000FF" }, lorawan_version: "MAC_V1_0_3", supports_join: true })}\n`,
    );
    const result = await run(process.execPath, [bin, "simulate", "--devices-file", file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /--devices-file: device 1 \(no-keys\): root_keys\.app_key\.key is required/,
    );
  });
});

/** `b` laid over `a`, objects merged field by field (the parts of a device from its registries). */
function deepMerge(a: Json, b: Json): Json {
  const merged: Json = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = merged[key];
    merged[key] =
      isRecord(current) && isRecord(value) ? deepMerge(current as Json, value as Json) : value;
  }
  return merged;
}

const isRecord = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value);

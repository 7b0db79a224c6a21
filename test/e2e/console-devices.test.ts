/**
 * The Console's End devices pages in a real browser against the real program: an OTAA device
 * registered through the form, its join and uplinks from `lorastack simulate` (a virtual gateway
 * and the device exported from the API) seen in Live data within seconds, a downlink scheduled
 * in Messaging seen leaving, three devices imported from CSV and listed. Screenshots of the list,
 * the overview with its chart, live data and the register form (light, dark, phone width).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { planFleet } from "../../src/simulator/run/fleet.ts";
import type { SimulationOptions } from "../../src/simulator/run/options.ts";
import { registerFleet } from "../../src/simulator/run/register.ts";
import { consoleSkipReason, startConsole } from "../harness/console.ts";
import { lorastackBin } from "../harness/lorastack-process.ts";
import { type Json, restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";

const devEui = "70B3D57ED00000A1";
const deviceId = `eui-${devEui.toLowerCase()}`;

const skip = consoleSkipReason();

test("End devices: register, live data from the simulator, downlink, import", {
  skip,
}, async (t) => {
  // Last-seen times reach the Identity Server (the list's column) within a second.
  const consoleRun = await startConsole(t, {
    env: { LORASTACK_NS_LAST_SEEN_FLUSH_INTERVAL: "1s" },
  });
  const { stack, page, baseUrl } = consoleRun;
  const key = await consoleRun.apiKey();
  const api = (method: string, path: string, body?: unknown) =>
    restOk(stack.httpUrl, method, path, { key, body }) as Promise<Json>;
  await api("POST", `/users/${consoleRun.admin.userId}/applications`, {
    application: { ids: { application_id: "app1" }, name: "Devices test" },
  });
  await consoleRun.login();

  // The list starts empty, with the way to register.
  await page.goto(`${baseUrl}/console/applications/app1/devices`);
  await page.getByRole("button", { name: "Register end device" }).first().click();

  // Register an OTAA device through the form.
  await page.getByRole("combobox", { name: "Frequency plan" }).click();
  await page.getByRole("option", { name: "Europe 863-870 MHz (SF12 for RX2)" }).first().click();
  await page.getByRole("combobox", { name: "LoRaWAN version" }).click();
  await page.getByRole("option", { name: "LoRaWAN Specification 1.0.3" }).click();
  await until(
    async () =>
      (await page.getByRole("combobox", { name: "Regional Parameters version" }).inputValue()) ||
      undefined,
    { what: "a regional parameters version for the band" },
  );
  await page.getByRole("textbox", { name: "DevEUI" }).fill(devEui);
  await page.getByRole("textbox", { name: "JoinEUI" }).fill("0000000000000000");
  await page.getByRole("button", { name: "Generate AppKey" }).click();
  assert.match(await page.getByRole("textbox", { name: "AppKey" }).inputValue(), /^[0-9A-F]{32}$/);
  assert.equal(await page.getByLabel("End device ID").inputValue(), deviceId);
  await page.getByLabel("Name").fill("Browser sensor");
  await consoleRun.screenshot("devices-register-light");
  await page.getByRole("button", { name: "Register end device" }).click();
  await page.waitForURL(`**/console/applications/app1/devices/${deviceId}`);

  // It is in every registry, with the key the browser generated in the Join Server.
  const path = `/applications/app1/devices/${deviceId}`;
  const ns = await api(
    "GET",
    `/ns${path}?field_mask=lorawan_version,lorawan_phy_version,frequency_plan_id,supports_join`,
  );
  assert.equal(ns.lorawan_version, "MAC_V1_0_3");
  assert.equal(ns.supports_join, true);
  const js = await api("GET", `/js${path}?field_mask=root_keys.app_key`);
  assert.match(js.root_keys?.app_key?.key ?? "", /^[0-9A-F]{32}$/);
  await api("GET", `/as${path}`);

  // Run the simulator with this device and one registered virtual gateway.
  const exported = { ...ns, ids: { ...ns.ids, ...js.ids }, root_keys: js.root_keys };
  const file = join(stack.dataDir, "device.json");
  await writeFile(file, `${JSON.stringify(exported)}\n`);
  await registerGateway(stack.listeners, key, consoleRun.admin.userId);
  const simulator = startSimulator(stack.listeners, file);
  t.after(() => simulator.kill("SIGINT"));

  await page.getByRole("tab", { name: "Live data" }).click();
  await page.getByText("js.join.accept", { exact: true }).first().waitFor({ timeout: 20_000 });
  await page.getByText("as.up.data.forward", { exact: true }).first().waitFor({ timeout: 20_000 });
  await consoleRun.screenshot("devices-live-data");

  // Schedule a downlink; the next uplink's window takes it: the queue empties and the Network
  // Server's scheduling shows in Live data after the moment it was queued.
  await page.getByRole("tab", { name: "Messaging" }).click();
  await page.getByLabel("FPort").fill("7");
  await page.getByLabel("Payload", { exact: true }).fill("01 02 03");
  const scheduledAt = Date.now();
  await page.getByRole("button", { name: "Schedule downlink" }).click();
  await page.getByText("Downlink scheduled").first().waitFor();
  await page.getByRole("table", { name: "Downlink queue" }).getByText("01 02 03").waitFor();
  await until(
    async () => {
      const queue = await api("GET", `/as${path}/down`);
      return (queue.downlinks ?? []).length === 0 ? true : undefined;
    },
    { what: "the downlink to leave the queue", timeoutMs: 20_000, intervalMs: 250 },
  );
  await page.getByRole("tab", { name: "Live data" }).click();
  await until(
    async () => {
      const labels = await page
        .locator('[aria-label^="ns.down.data.schedule.success at "]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("aria-label") ?? ""));
      return labels.some((label) => Date.parse(label.split(" at ")[1] ?? "") >= scheduledAt - 1000)
        ? true
        : undefined;
    },
    { what: "the downlink's scheduling in Live data", timeoutMs: 10_000, intervalMs: 250 },
  );

  // The overview charts the uplinks' signal.
  await page.getByRole("tab", { name: "Overview" }).click();
  await page.locator(".recharts-line").first().waitFor({ timeout: 15_000 });
  await consoleRun.screenshot("devices-overview");

  // Import three devices from CSV.
  await page.goto(`${baseUrl}/console/applications/app1/devices/import`);
  const csv = [
    "id;dev_eui;join_eui;app_key;frequency_plan_id;lorawan_version;lorawan_phy_version",
    ...[1, 2, 3].map(
      (n) =>
        `csv-${n};70B3D57ED00000C${n};0000000000000000;${"0A".repeat(16)};EU_863_870;1.0.3;1.0.3-a`,
    ),
  ].join("\n");
  const chooser = page.waitForEvent("filechooser");
  await page.getByLabel("File (CSV or JSON)").click();
  await (await chooser).setFiles({
    name: "devices.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByText("3 of 3 end devices can be imported").waitFor();
  await page.getByRole("button", { name: "Import end devices" }).click();
  await page.getByText("3 end devices imported, 0 failed").waitFor({ timeout: 20_000 });
  await page.getByRole("button", { name: "Back to end devices" }).click();
  for (const id of ["csv-1", "csv-2", "csv-3", deviceId])
    await page.getByRole("link", { name: id }).waitFor();
  // Sorted by last seen (the Identity Server's, in the list call): the simulated device first,
  // with a time; the imported ones never seen.
  await page.getByRole("combobox", { name: "Sort by" }).click();
  await page.getByRole("option", { name: "Last seen" }).click();
  const rows = page.getByRole("table", { name: "End devices" }).locator("tbody tr");
  await until(
    async () => ((await rows.first().innerText()).includes(deviceId) ? true : undefined),
    { what: "the device seen first when sorted by last seen", timeoutMs: 10_000 },
  );
  assert.doesNotMatch(await rows.first().innerText(), /Never/);
  assert.match(await rows.nth(1).innerText(), /csv-\d[\s\S]*Never/);
  await consoleRun.screenshot("devices-list-light");

  // The Overview's device health: one device seen in the last hour, three never.
  await page.goto(`${baseUrl}/console/`);
  const health = page.getByRole("region", { name: "End device health" });
  const count = async (label: string) =>
    (await health.getByText(label, { exact: true }).locator("xpath=../..").innerText())
      .split("\n")
      .at(-1);
  await health.getByText("Seen in the last hour", { exact: true }).waitFor();
  assert.equal(await count("Seen in the last hour"), "1");
  assert.equal(await count("Never seen"), "3");
  assert.equal(await count("Seen longer ago"), "0");
  await consoleRun.screenshot("overview-device-health");

  // Dark scheme and phone width.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${baseUrl}/console/applications/app1/devices/add`);
  await page.getByRole("textbox", { name: "DevEUI" }).waitFor();
  await consoleRun.screenshot("devices-register-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}/console/applications/app1/devices`);
  await page.getByRole("link", { name: "csv-1" }).waitFor();
  await consoleRun.screenshot("devices-list-phone");
});

/** The simulator's options for its one UDP gateway (`--id-prefix console`, seed 1). */
function simulation(listeners: Map<string, string>): SimulationOptions {
  return {
    server: "127.0.0.1",
    udpAddress: listeners.get("udp") as string,
    basicStationUrl: "",
    apiUrl: `http://${listeners.get("http")}`,
    gateways: 1,
    gatewayProtocol: "udp",
    devices: 0,
    rate: 1,
    durationS: 40,
    version: "1.0.3",
    deviceClass: "A",
    activation: "otaa",
    frequencyPlanId: "EU_863_870",
    dataRate: 5,
    confirmed: 0,
    idPrefix: "console",
    seed: 1,
    radiusM: 1000,
    json: false,
  };
}

/** Registers the simulator's gateway (a devices file runs registered devices only). */
async function registerGateway(
  listeners: Map<string, string>,
  key: string,
  owner: string,
): Promise<void> {
  const options = simulation(listeners);
  await registerFleet(
    { gateways: planFleet(options).gateways, devices: [] },
    {
      apiUrl: options.apiUrl,
      apiKey: key,
      applicationId: "app1",
      gatewayOwner: owner,
      frequencyPlanId: "EU_863_870",
      gatewayServerAddress: "127.0.0.1",
    },
  );
}

/** `lorastack simulate` with one virtual UDP gateway (registered) and the given device. */
function startSimulator(listeners: Map<string, string>, file: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      lorastackBin,
      "simulate",
      "--server",
      "127.0.0.1",
      "--udp-address",
      listeners.get("udp") as string,
      "--api-url",
      `http://${listeners.get("http")}`,
      "--devices-file",
      file,
      "--frequency-plan",
      "EU_863_870",
      "--id-prefix",
      "console",
      "--rate",
      "1",
      "--duration",
      "40",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr?.resume();
  return child;
}

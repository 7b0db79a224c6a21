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
import { startConsole } from "../harness/console.ts";
import { lorastackBin } from "../harness/lorastack-process.ts";
import { type Json, restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";

const devEui = "70B3D57ED00000A1";
const deviceId = `eui-${devEui.toLowerCase()}`;

test("End devices: register, live data from the simulator, downlink, import", async (t) => {
  const consoleRun = await startConsole(t);
  if (!consoleRun) return;
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
  await page.getByRole("textbox", { name: "Frequency plan" }).click();
  await page
    .getByRole("option", { name: /^Europe 863-870 MHz$/ })
    .first()
    .click();
  await page.getByRole("textbox", { name: "LoRaWAN version" }).click();
  await page.getByRole("option", { name: "LoRaWAN Specification 1.0.3" }).click();
  await until(
    async () =>
      (await page.getByRole("textbox", { name: "Regional Parameters version" }).inputValue()) ||
      undefined,
    { what: "a regional parameters version for the band" },
  );
  await page.getByLabel("DevEUI").fill(devEui);
  await page.getByLabel("JoinEUI").fill("0000000000000000");
  await page.getByRole("button", { name: "Generate AppKey" }).click();
  assert.match(await page.getByLabel("AppKey").inputValue(), /^[0-9A-F]{32}$/);
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
  const simulator = startSimulator(stack.listeners, file, key);
  t.after(() => simulator.kill("SIGINT"));

  await page.getByRole("tab", { name: "Live data" }).click();
  const joined = page.getByText(/join/i).first();
  await joined.waitFor({ timeout: 20_000 });
  await page
    .getByText(/ns\.up\.data|as\.up\.data|Uplink/i)
    .first()
    .waitFor({ timeout: 20_000 });
  await consoleRun.screenshot("devices-live-data");

  // Schedule a downlink; the next uplink's window takes it.
  await page.getByRole("tab", { name: "Messaging" }).click();
  await page.getByLabel("FPort").fill("7");
  await page.getByLabel("Payload", { exact: true }).fill("01 02 03");
  await page.getByRole("button", { name: "Schedule downlink" }).click();
  await page.getByText("Downlink scheduled").first().waitFor();
  await page.getByRole("tab", { name: "Live data" }).click();
  await page
    .getByText(/ns\.down\.data|gs\.down\.send|Downlink/i)
    .first()
    .waitFor({ timeout: 20_000 });

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
  await page.getByLabel("File (CSV or JSON)").setInputFiles({
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
  await consoleRun.screenshot("devices-list-light");

  // Dark scheme and phone width.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${baseUrl}/console/applications/app1/devices/add`);
  await page.getByLabel("DevEUI").waitFor();
  await consoleRun.screenshot("devices-register-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}/console/applications/app1/devices`);
  await page.getByRole("link", { name: "csv-1" }).waitFor();
  await consoleRun.screenshot("devices-list-phone");
});

/** `lorastack simulate` with one virtual UDP gateway (registered) and the given device. */
function startSimulator(listeners: Map<string, string>, file: string, key: string): ChildProcess {
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
      "--register",
      "--api-key",
      key,
      "--application-id",
      "app1",
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

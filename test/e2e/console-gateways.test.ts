/**
 * The Console's gateway, organization and user settings pages in a real browser against the
 * real program: register a gateway in the browser, connect a simulated Semtech UDP gateway to
 * it, see it connected in the list and its connection stats on its page, download its
 * global_conf.json; create an organization; change the admin's name in the user settings.
 * Screenshots: overview, gateway list, gateway page, user settings (light), the gateway page
 * dark and the gateway list at phone width.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { it } from "node:test";
import { UdpGateway } from "../../src/simulator/gateways/udp-gateway.ts";
import { consoleSkipReason, startConsole } from "../harness/console.ts";

const gatewayId = "gw-console";
const eui = "00800000A0000F4D";

it("manages gateways, organizations and user settings in the Console", {
  skip: consoleSkipReason(),
}, async (t) => {
  const consoleUnderTest = await startConsole(t);
  const { stack, baseUrl, page, screenshot } = consoleUnderTest;
  await consoleUnderTest.login();
  const open = (path: string) => page.goto(`${baseUrl}/console${path}`);

  // A new user: the overview shows where to start.
  await page.getByRole("link", { name: "Register gateway" }).first().waitFor();

  // Register a gateway in the browser.
  await open("/gateways/add");
  await page.getByLabel("Gateway ID").fill(gatewayId);
  await page.getByLabel("Gateway EUI").fill(eui);
  await page.getByLabel("Gateway name").fill("Console test gateway");
  // The Configuration service's frequency plans, searchable by ID.
  await page.getByRole("combobox", { name: "Frequency plan" }).fill("EU_863_870");
  await page.getByRole("option", { name: /\(EU_863_870\)$/ }).click();
  await page.getByLabel("Latitude").fill("52.37");
  await page.getByLabel("Longitude").fill("4.89");
  await page.getByRole("button", { name: "Register gateway" }).click();
  await page.waitForURL(`**/console/gateways/${gatewayId}`);
  await page.getByRole("heading", { name: "Console test gateway" }).waitFor();

  // A simulated UDP packet forwarder connects (start() waits for the PULL_ACK).
  const udpAddress = stack.listeners.get("udp");
  assert.ok(udpAddress, "the UDP listener's address");
  const [host = "127.0.0.1", port = "1700"] = udpAddress.split(/:(?=\d+$)/);
  const clock = () => performance.now();
  const udp = new UdpGateway({
    id: gatewayId,
    eui,
    host,
    port: Number(port),
    clock,
    keepAliveMs: 500,
  });
  await udp.start();
  t.after(() => udp.stop());
  // One uplink (a data frame of a device the network does not know: the Gateway Server still
  // counts it and publishes gs.up.receive with this gateway's RSSI/SNR) and one status message.
  udp.receive({
    phyPayload: new Uint8Array(Buffer.from("401122334400010001ab00000000", "hex")),
    frequencyHz: 868_100_000,
    rate: { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" },
    endedAt: clock(),
    rssi: -87,
    snr: 7.5,
  });
  udp.sendStat();

  // The list shows it connected.
  await open("/gateways");
  const row = page.getByRole("row", { name: new RegExp(gatewayId) });
  await row.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
  await screenshot("gateways-list");

  // The gateway page: status, connection stats, global_conf.json.
  await open(`/gateways/${gatewayId}/connection`);
  const connection = page.getByRole("table", { name: "Connection" });
  await connection.getByText("udp").waitFor({ timeout: 20_000 });
  await connection.getByRole("row", { name: /Uptime/ }).waitFor();
  await connection.getByRole("row", { name: "Uplinks received 1" }).waitFor({ timeout: 20_000 });
  await screenshot("gateway-connection");
  await page.getByRole("tab", { name: "Status history" }).click();
  await page.getByText("RSSI (dBm)").first().waitFor({ timeout: 20_000 });
  await screenshot("gateway-status-history");
  await open(`/gateways/${gatewayId}`);
  await page.getByRole("table", { name: "Status" }).getByText("Connected").first().waitFor();
  await screenshot("gateway-page");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download global_conf.json" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "global_conf.json");
  const path = await download.path();
  const conf = JSON.parse(await readFile(path, "utf8")) as {
    gateway_conf?: { gateway_ID?: string; serv_port_up?: number };
    SX1301_conf?: unknown;
  };
  assert.equal(conf.gateway_conf?.gateway_ID, eui);
  assert.equal(typeof conf.gateway_conf?.serv_port_up, "number");
  assert.ok(conf.SX1301_conf, "the concentrator configuration of the frequency plan");

  // A gateway API key through the shared access panel: shown once, then listed.
  await page.getByRole("tab", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Add API key" }).click();
  const dialog = page.getByRole("dialog", { name: "Add API key" });
  await dialog.getByLabel("Name").fill("console key");
  await dialog.getByRole("checkbox", { name: "Link" }).check();
  await dialog.getByRole("checkbox", { name: "Info" }).check();
  await dialog.getByRole("button", { name: "Create API key" }).click();
  const created = page.getByRole("dialog", { name: "API key created" });
  await created.getByText(/^NNSXS\./).waitFor();
  await screenshot("gateway-api-key-created");
  await created.getByRole("button", { name: "I have copied the key" }).click();
  await page.getByRole("row", { name: /console key.*2 rights/ }).waitFor();

  // Dark theme of the gateway page.
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await page.mouse.move(640, 700); // no tooltip in the picture
  await screenshot("gateway-page-dark");
  await page.getByRole("button", { name: "Switch to light theme" }).click();

  // Create an organization; its creator is its first member.
  await open("/organizations/add");
  await page.getByLabel("Organization ID").fill("console-org");
  await page.getByLabel("Name").fill("Console organization");
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.getByRole("heading", { name: "Console organization" }).waitFor();
  await page.getByRole("tab", { name: "Members" }).click();
  await page
    .getByRole("row", { name: new RegExp(consoleUnderTest.admin.userId) })
    .waitFor({ timeout: 10_000 });

  // Change the admin's name in the user settings; the header shows it.
  await open("/user");
  const name = page.getByLabel("Name", { exact: true });
  await name.waitFor();
  await name.fill("Console Admin");
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByText("Your profile is saved.").waitFor();
  await page.getByRole("button", { name: "User menu of Console Admin" }).waitFor();
  await screenshot("user-settings");

  // The admin's user list.
  await open("/admin/users");
  await page
    .getByRole("row", { name: /Console Admin/ })
    .getByText("Approved")
    .waitFor();

  // The overview with a connected gateway, and the gateway list at phone width.
  await open("/");
  await page.getByText("1 connected").waitFor({ timeout: 20_000 });
  await screenshot("overview");
  await page.setViewportSize({ width: 390, height: 844 });
  await open("/gateways");
  await page.getByRole("link", { name: gatewayId }).waitFor();
  await screenshot("gateways-list-phone");
});

/**
 * The Console's Applications pages in a browser, against the real program: the empty list,
 * creating an application (the ID checked as typed), a JavaScript uplink formatter saved and
 * tested, a webhook added, the MQTT connection with a generated key and an API key shown once.
 * Screenshots: the list, the overview (light, dark, phone width) and the formatter page.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleSkipReason, startConsole } from "../harness/console.ts";
import { restOk } from "../harness/rest-client.ts";
import { until } from "../harness/until.ts";

const decoder = `function decodeUplink(input) {
  if (input.bytes.length < 2) return { errors: ["need two bytes, got " + input.bytes.length] };
  return { data: { temperature: ((input.bytes[0] << 8) | input.bytes[1]) / 10 } };
}
`;

test("console: applications", { skip: consoleSkipReason(), timeout: 90_000 }, async (t) => {
  const ui = await startConsole(t);
  const { page, baseUrl, stack } = ui;
  const key = await ui.apiKey();
  await ui.login();
  try {
    // The empty list invites to create the first application.
    await page.goto(`${baseUrl}/console/applications`);
    await page.getByText("No applications yet").waitFor();
    await page.getByRole("link", { name: "Create application" }).first().click();

    // The ID is checked as it is typed; the name suggests one.
    const id = page.getByLabel("Application ID");
    await id.fill("Weather_1");
    await page.getByText("Lowercase letters only").waitFor();
    await id.fill("");
    await page.getByLabel("Name").fill("Weather stations");
    assert.equal(await id.inputValue(), "", "a touched ID is not replaced by the suggestion");
    await id.fill("weather");
    await page.getByLabel("Description").fill("Temperature sensors on the roof");
    await page.getByRole("button", { name: "Create application" }).click();
    await page.waitForURL(/\/console\/applications\/weather$/);
    await page.getByRole("heading", { name: "Weather stations" }).waitFor();
    await page.getByRole("tab", { name: "End devices" }).waitFor();
    const created = await restOk(stack.httpUrl, "GET", "/applications/weather", { key });
    assert.equal(created.ids.application_id, "weather");

    // The list shows it; a search that matches nothing says so.
    await page.goto(`${baseUrl}/console/applications`);
    await page.getByRole("link", { name: "weather" }).waitFor();
    await ui.screenshot("applications-list");
    await page.getByLabel("Search applications").fill("nothing-like-this");
    await page.getByText("No applications match").waitFor();

    // The overview, light, dark and phone-sized.
    await page.goto(`${baseUrl}/console/applications/weather`);
    await page.getByText("Last activity").waitFor();
    await page.getByText("None yet").waitFor();
    await ui.screenshot("application-overview-light");
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await ui.screenshot("application-overview-dark");
    await page.getByRole("button", { name: "Switch to light theme" }).click();
    await page.mouse.move(200, 700);
    await page.getByRole("tooltip").waitFor({ state: "detached" });
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Open navigation" }).waitFor();
    await page.waitForTimeout(500); // the navbar's collapse transition
    await ui.screenshot("application-overview-phone");
    await page.getByLabel("Section").selectOption({ label: "Payload formatters" });
    await page.waitForURL(/\/payload-formatters$/);
    await page.goBack();
    if (desktop) await page.setViewportSize(desktop);

    // A JavaScript uplink formatter: saved, then tested with bytes that decode and that fail.
    await page.getByRole("tab", { name: "Payload formatters" }).click();
    await page.getByText("JavaScript", { exact: true }).click();
    await page.getByLabel("Uplink formatter code").fill(decoder);
    await page.getByRole("button", { name: "Save uplink formatter" }).click();
    await page.getByText("Uplink formatter saved").waitFor();
    const stored = await restOk(
      stack.httpUrl,
      "GET",
      "/as/applications/weather/link?field_mask=default_formatters",
      { key },
    );
    assert.equal(stored.default_formatters.up_formatter, "FORMATTER_JAVASCRIPT");
    assert.equal(stored.default_formatters.up_formatter_parameter, decoder);

    await page.getByLabel("FPort").first().fill("2");
    await page.getByLabel("Payload (hex)").fill("01 2C");
    await page.getByRole("button", { name: "Test decoder" }).click();
    await page.getByText('"temperature": 30').waitFor();
    await page.evaluate("window.scrollTo(0, 0)");
    await ui.screenshot("application-payload-formatter");
    await page.getByLabel("Payload (hex)").fill("01");
    await page.getByRole("button", { name: "Test decoder" }).click();
    await page.getByText("The formatter failed").waitFor();
    await page.getByText(/need two bytes, got 1/).waitFor();
    await page.getByLabel("Payload (hex)").fill("0");
    await page.getByText("An even number of hex digits (two per byte)").waitFor();

    // A webhook: added, listed, stored with its paths and headers.
    await page.getByRole("tab", { name: "Integrations" }).click();
    await page.getByText("No webhooks yet").waitFor();
    await page.getByRole("link", { name: "Add webhook" }).click();
    await page.getByLabel("Webhook ID").fill("roof-hook");
    await page.getByLabel("Base URL").fill("http://127.0.0.1:9/hooks");
    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header 1 name").fill("Authorization");
    await page.getByLabel("Header 1 value").fill("Bearer secret-token");
    await page.getByRole("checkbox", { name: "Join accept" }).check();
    await page.getByLabel("Join accept path").fill("/join");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByRole("link", { name: "roof-hook" }).waitFor();
    await page.getByText("No deliveries yet").waitFor();
    const webhook = await restOk(
      stack.httpUrl,
      "GET",
      "/as/webhooks/weather/roof-hook?field_mask=base_url,headers,format,uplink_message,join_accept,paused",
      { key },
    );
    assert.equal(webhook.base_url, "http://127.0.0.1:9/hooks");
    assert.deepEqual(webhook.headers, { Authorization: "Bearer secret-token" });
    assert.equal(webhook.format, "json");
    assert.equal(webhook.uplink_message.path, "/uplink");
    assert.equal(webhook.join_accept.path, "/join");
    assert.ok(!webhook.paused);

    // MQTT: the user name our Application Server expects, and a key made for the password.
    await page.getByRole("link", { name: "MQTT" }).click();
    await page.getByText("weather@ttn").first().waitFor();
    await page.getByRole("button", { name: "Generate new API key" }).click();
    await page.getByText("This API key is shown only once.", { exact: false }).waitFor();
    await ui.screenshot("application-mqtt");

    // Storage: turned on for the application, then a (simulated) uplink is listed.
    await page.getByRole("link", { name: "Storage" }).click();
    await page.getByText("Nothing stored.", { exact: false }).waitFor();
    await page.getByRole("switch", { name: /Store the messages/ }).click();
    await page.getByText("Active", { exact: true }).waitFor();
    const defaults = await restOk(
      stack.httpUrl,
      "GET",
      "/as/applications/weather/packages/associations?field_mask=package_name",
      { key },
    );
    assert.equal(defaults.defaults[0].package_name, "storage-integration");
    const sensor = { device_id: "sensor-1", application_ids: { application_id: "weather" } };
    await restOk(stack.httpUrl, "PUT", "/as/applications/weather/devices/sensor-1", {
      key,
      body: { end_device: { ids: sensor }, field_mask: { paths: [] } },
    });
    await restOk(stack.httpUrl, "POST", "/as/applications/weather/devices/sensor-1/up/simulate", {
      key,
      body: {
        end_device_ids: sensor,
        uplink_message: { f_port: 2, f_cnt: 7, frm_payload: "ASw=" },
      },
    });
    const storedRow = page.getByRole("cell", { name: "sensor-1" });
    await until(
      async () => {
        if ((await storedRow.count()) > 0) return true;
        await page.getByRole("button", { name: "Refresh" }).click();
        return undefined;
      },
      { what: "the stored uplink in the list", intervalMs: 300 },
    );
    await ui.screenshot("application-storage");

    // The same uplink went to the webhook, whose server does not answer: its health says so.
    await until(
      async () => {
        await page.getByRole("link", { name: "Webhooks" }).click();
        const failing = page.getByText(/^Failing \(\d+ attempts?\)$/);
        if ((await failing.count()) > 0) return true;
        await page.getByRole("link", { name: "Storage" }).click();
        return undefined;
      },
      { what: "the webhook's failing health", intervalMs: 300 },
    );
    await ui.screenshot("application-webhooks");

    // The overview's last activity is the uplink's time now.
    await page.getByRole("tab", { name: "Overview" }).click();
    await page.getByText("Last activity").waitFor();
    await page.getByText("None yet").waitFor({ state: "detached" });

    // An API key of the application: created and shown once.
    await page.getByRole("tab", { name: "API keys" }).click();
    await page.getByRole("button", { name: "Add API key" }).click();
    await page.getByLabel("Name").fill("reader");
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("checkbox", { name: "Info", exact: true }).check();
    await dialog.getByRole("checkbox", { name: "Traffic read", exact: true }).check();
    await page.getByRole("button", { name: "Create API key" }).click();
    await page.getByText("Copy the key now").waitFor();
    const shown = await dialog.locator("code").first().textContent();
    assert.match(shown ?? "", /^NNSXS\./);
    await page.getByRole("button", { name: "I have copied the key" }).click();
    await page.getByText("reader").first().waitFor();
    assert.equal(await page.getByText(shown ?? "-").count(), 0, "the key is not shown again");
    const keys = await restOk(stack.httpUrl, "GET", "/applications/weather/api-keys", { key });
    assert.equal(keys.api_keys.length, 2, "the MQTT key and the reader key");

    // General settings: renamed with an attribute; then deleted after typing its ID.
    await page.getByRole("tab", { name: "General settings" }).click();
    await page.getByRole("heading", { name: "General settings" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Roof weather");
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByLabel("Attribute 1 name").fill("x");
    await page.getByLabel("Attribute 1 value").fill("5");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText('Attribute key "x": At least 3 characters').waitFor();
    await page.getByLabel("Attribute 1 name").fill("floor");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Roof weather" }).waitFor();
    const renamed = await restOk(
      stack.httpUrl,
      "GET",
      "/applications/weather?field_mask=name,attributes",
      {
        key,
      },
    );
    assert.deepEqual(renamed.attributes, { floor: "5" });
    await page.getByRole("button", { name: "Delete application" }).click();
    const confirm = page.getByRole("dialog");
    const remove = confirm.getByRole("button", { name: "Delete application" });
    assert.ok(await remove.isDisabled(), "deleting waits for the ID");
    await confirm.getByLabel("Type weather to confirm").fill("weather");
    await remove.click();
    await page.getByText("No applications yet").waitFor();
  } catch (error) {
    await ui.screenshot("applications-failure").catch(() => undefined);
    throw error;
  }
});

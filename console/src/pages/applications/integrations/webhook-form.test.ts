import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { baseUrlError, webhookBody, webhookValues } from "./webhook-form.ts";

describe("the webhook form", () => {
  it("starts a new webhook as JSON, enabled, sending uplinks", () => {
    const values = webhookValues();
    assert.equal(values.format, "json");
    assert.equal(values.enabled, true);
    assert.deepEqual(values.messages.uplink_message, { enabled: true, path: "/uplink" });
    assert.equal(values.messages.join_accept.enabled, false);
  });
  it("writes every edited field in the mask, unsetting the message types switched off", () => {
    const values = webhookValues({
      ids: { application_ids: { application_id: "app1" }, webhook_id: "wh1" },
      base_url: "https://example.com",
      headers: { Authorization: "Bearer x" },
      join_accept: { path: "/join" },
      uplink_message: {},
      paused: true,
    });
    assert.equal(values.enabled, false);
    assert.deepEqual(values.messages.uplink_message, { enabled: true, path: "" });
    values.messages.join_accept.enabled = false;
    values.enabled = true;
    const result = webhookBody("app1", values);
    assert.ok("body" in result);
    const { webhook, field_mask } = result.body;
    assert.equal(webhook.join_accept, undefined);
    assert.deepEqual(webhook.uplink_message, { path: "" });
    assert.equal(webhook.paused, false);
    assert.deepEqual(webhook.headers, { Authorization: "Bearer x" });
    assert.ok(field_mask.paths.includes("join_accept"));
    assert.ok(field_mask.paths.includes("headers"));
  });
  it("refuses bad headers and base URLs", () => {
    const values = webhookValues();
    values.headers = [{ key: "", value: "x" }];
    assert.deepEqual(webhookBody("app1", values), { error: "Headers: Row 1: enter a key" });
    assert.equal(baseUrlError("ftp://x"), "An http:// or https:// URL");
    assert.match(baseUrlError("nope") ?? "", /Not a URL/);
    assert.equal(baseUrlError("http://localhost:8080/hook"), null);
  });
});

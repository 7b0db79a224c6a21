import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseUsername } from "./credentials.ts";
import { acceptedSubscription, downlinkTopic, isReadTopic } from "./topics.ts";

describe("application MQTT topics", () => {
  it("rewrites subscriptions into the client's application, as The Things Stack", () => {
    const cases: [string, string | undefined][] = [
      ["v3", undefined],
      ["+", undefined],
      ["+/app1@ttn/#", undefined],
      ["v3/app2@ttn/#", undefined],
      ["v3/app1/#", undefined],
      ["v2/app1@ttn/#", undefined],
      ["#", "v3/app1@ttn/#"],
      ["v3/#", "v3/app1@ttn/#"],
      ["v3/+/devices/+/up", "v3/app1@ttn/devices/+/up"],
      ["v3/app1@ttn/devices/dev1/down/#", "v3/app1@ttn/devices/dev1/down/#"],
    ];
    for (const [requested, accepted] of cases)
      assert.equal(acceptedSubscription("app1@ttn", requested), accepted, requested);
  });

  it("knows the topics a client reads and the downlink topics it writes", () => {
    assert.equal(isReadTopic("app1@ttn", "v3/app1@ttn/devices/d/up"), true);
    assert.equal(isReadTopic("app1@ttn", "v3/app1@ttn/devices/d/location/solved"), true);
    assert.equal(isReadTopic("app1@ttn", "v3/app1@ttn/devices/d/down/push"), false);
    assert.equal(isReadTopic("app1@ttn", "v3/app1/devices/d/up"), false);
    assert.deepEqual(downlinkTopic(["app1"], "v3/app1/devices/d/down/replace"), {
      deviceId: "d",
      operation: "replace",
    });
    assert.equal(downlinkTopic(["app1"], "v3/app1/devices/d/down/push/x"), undefined);
    assert.equal(downlinkTopic(["app1"], "v3/app2/devices/d/down/push"), undefined);
  });

  it("reads usernames with and without the tenant", () => {
    assert.deepEqual(parseUsername("app1"), { applicationId: "app1", uid: "app1" });
    assert.deepEqual(parseUsername("app1@ttn"), { applicationId: "app1", uid: "app1@ttn" });
    assert.throws(() => parseUsername("app1@acme"), /tenant `acme` not found/);
    assert.throws(() => parseUsername("App1"), /invalid_username|not an application ID/);
    assert.throws(() => parseUsername(""), /not an application ID/);
  });
});

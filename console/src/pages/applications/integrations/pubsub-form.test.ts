import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pubSubBody, pubSubValues, serverUrlError } from "./pubsub-form.ts";

describe("the pub/sub form", () => {
  it("writes an MQTT provider with its credentials and the enabled topics", () => {
    const values = pubSubValues();
    assert.equal(values.provider, "mqtt");
    values.pub_sub_id = "ps1";
    values.server_url = " mqtt://broker:1883 ";
    values.username = "u";
    values.topics.downlink_push = { enabled: true, topic: "down/push" };
    const { pubsub, field_mask } = pubSubBody("app1", values);
    assert.equal(pubsub.mqtt?.server_url, "mqtt://broker:1883");
    assert.equal(pubsub.mqtt?.username, "u");
    assert.equal(pubsub.nats, undefined);
    assert.deepEqual(pubsub.uplink_message, { topic: "up" });
    assert.deepEqual(pubsub.downlink_push, { topic: "down/push" });
    assert.equal(pubsub.join_accept, undefined);
    assert.ok(field_mask.paths.includes("provider") && field_mask.paths.includes("join_accept"));
  });
  it("reads a NATS pub/sub back, and writes NATS without MQTT fields", () => {
    const values = pubSubValues({
      ids: { application_ids: { application_id: "app1" }, pub_sub_id: "n1" },
      nats: { server_url: "nats://n:4222" },
      join_accept: { topic: "join" },
    });
    assert.equal(values.provider, "nats");
    assert.equal(values.topics.uplink_message.enabled, false);
    const { pubsub } = pubSubBody("app1", values);
    assert.deepEqual(pubsub.nats, { server_url: "nats://n:4222" });
    assert.equal(pubsub.mqtt, undefined);
    assert.deepEqual(pubsub.join_accept, { topic: "join" });
  });
  it("checks the server URL's scheme per provider", () => {
    assert.equal(serverUrlError("mqtt", "mqtts://b:8883"), null);
    assert.match(serverUrlError("mqtt", "http://b") ?? "", /mqtt, mqtts/);
    assert.equal(serverUrlError("nats", "nats://n:4222"), null);
    assert.equal(serverUrlError("nats", ""), "Enter the server URL");
  });
});

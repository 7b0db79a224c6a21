import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ApplicationPubSubSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { downlinkFilters, joinTopic, topicMatches, upTopic } from "./messages.ts";

describe("pub/sub topics", () => {
  it("joins the base topic and a message topic with one slash", () => {
    assert.equal(joinTopic("app1/ps", "up"), "app1/ps/up");
    assert.equal(joinTopic("", "up"), "up");
    assert.equal(joinTopic("app1", ""), "app1");
  });

  it("picks the topic of each message type, none for a type without one", () => {
    const pubsub = create(ApplicationPubSubSchema, {
      baseTopic: "b",
      uplinkMessage: { topic: "up" },
      downlinkQueueInvalidated: { topic: "down/invalidated" },
      downlinkPush: { topic: "+/push" },
    });
    const up = (kind: "uplinkMessage" | "downlinkQueueInvalidated" | "joinAccept") =>
      create(ApplicationUpSchema, { up: { case: kind, value: {} } });
    assert.equal(upTopic(pubsub, up("uplinkMessage")), "b/up");
    assert.equal(upTopic(pubsub, up("downlinkQueueInvalidated")), "b/down/invalidated");
    assert.equal(upTopic(pubsub, up("joinAccept")), undefined);
    assert.equal(upTopic(pubsub, create(ApplicationUpSchema)), undefined);
    assert.deepEqual(downlinkFilters(pubsub), [["push", "b/+/push"]]);
  });

  it("matches MQTT topic filters", () => {
    const cases: [string, string, boolean][] = [
      ["a/b", "a/b", true],
      ["a/b", "a/c", false],
      ["a/+", "a/b", true],
      ["a/+", "a/b/c", false],
      ["a/#", "a", true],
      ["a/#", "a/b/c", true],
      ["#", "$SYS/x", false],
      ["+/x", "$SYS/x", false],
      ["a/b/c", "a/b", false],
    ];
    for (const [filter, topic, expected] of cases)
      assert.equal(topicMatches(filter, topic), expected, `${filter} ~ ${topic}`);
  });
});

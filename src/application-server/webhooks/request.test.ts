import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ApplicationWebhookHealthSchema } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { decodeDelivery, deliveryKey, encodeDelivery } from "./delivery-task.ts";
import { healthVerdict } from "./health.ts";
import { expandVariables, joinUrl } from "./request.ts";

const up = create(ApplicationUpSchema, {
  endDeviceIds: {
    applicationIds: { applicationId: "app1" },
    deviceId: "dev-1",
    devEui: Buffer.from("0004a30b001c0530", "hex"),
  },
  up: { case: "uplinkMessage", value: { fPort: 2 } },
});

describe("webhook requests", () => {
  it("joins base URL and path as The Things Stack", () => {
    const table: [string, string, string][] = [
      ["http://h/base", "/up", "http://h/base/up"],
      ["http://h/base/", "up", "http://h/base/up"],
      ["http://h/base", "", "http://h/base"],
      ["http://h/base", "up?x=1", "http://h/base/up?x=1"],
      ["http://h", "/up", "http://h/up"],
    ];
    for (const [base, path, url] of table)
      assert.equal(joinUrl(base, path), url, `${base} ${path}`);
  });

  it("expands template variables, unknown ones to nothing", () => {
    assert.equal(
      expandVariables("http://h/{appID}/{devID}/{devEUI}/{nope}", up),
      "http://h/app1/dev-1/0004A30B001C0530/",
    );
  });

  it("keeps a delivery task's webhook and message, and keys it by both", () => {
    const webhook = { applicationId: "app1", webhookId: "wh1" };
    const decoded = decodeDelivery(encodeDelivery({ webhook, up }));
    assert.deepEqual(decoded.webhook, webhook);
    assert.equal(decoded.up.endDeviceIds?.deviceId, "dev-1");
    assert.equal(deliveryKey(webhook, up), deliveryKey(webhook, decoded.up));
    assert.notEqual(deliveryKey(webhook, up), deliveryKey({ ...webhook, webhookId: "wh2" }, up));
    assert.throws(() => decodeDelivery(Uint8Array.of(40, 1)));
  });
});

describe("webhook health", () => {
  const rules = { unhealthyAttemptsThreshold: 3, unhealthyRetryIntervalMs: 1000 };
  const unhealthy = (failedAttempts: number, atMs: number) =>
    create(ApplicationWebhookHealthSchema, {
      status: {
        case: "unhealthy",
        value: {
          failedAttempts: BigInt(failedAttempts),
          lastFailedAttemptAt: timestampFromMs(atMs),
        },
      },
    });
  it("sends below the threshold, suspends over it, probes after the interval", () => {
    assert.equal(healthVerdict(undefined, rules, 0), "send");
    assert.equal(healthVerdict(unhealthy(2, 0), rules, 10), "send");
    assert.equal(healthVerdict(unhealthy(3, 0), rules, 10), "suspended");
    assert.equal(healthVerdict(unhealthy(3, 0), rules, 1001), "probe");
    assert.equal(
      healthVerdict(unhealthy(9, 0), { ...rules, unhealthyAttemptsThreshold: 0 }, 10),
      "send",
    );
  });
});

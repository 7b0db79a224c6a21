import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createApiClient } from "../client/api-client.ts";
import { errApi } from "../client/errors.ts";
import { integrationKinds } from "../integrations.ts";
import { hexToBase64, parseDeviceRef, parseFPort, parseKeyValues } from "./arguments.ts";
import { downlinkOf } from "./downlink-actions.ts";
import { errEndDeviceRef, errFPort, errHex, errNoPayload } from "./errors.ts";
import { formatEventBlock } from "./event-format.ts";
import { streamRequest } from "./events-action.ts";
import { integrationSetters } from "./integration-actions.ts";
import { linesOf } from "./json-lines.ts";

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function collectLines(stream: AsyncIterable<Uint8Array>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of linesOf(stream)) lines.push(line);
  return lines;
}

describe("json lines", () => {
  it("splits lines across chunks, keeps characters split between chunks, skips blank lines", async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\n{"c"');
    const split = bytes.indexOf(0xa9); // the second byte of é
    assert.deepEqual(
      await collectLines(
        chunks(bytes.slice(0, split), bytes.slice(split), new TextEncoder().encode(":3}")),
      ),
      ['{"a":"é"}', '{"b":2}', '{"c":3}'],
    );
  });

  it("yields a line as soon as its newline comes, before the stream ends", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("first\nsec");
      await gate;
      yield new TextEncoder().encode("ond\n");
    }
    const lines = linesOf(slow());
    assert.deepEqual(await lines.next(), { value: "first", done: false });
    release();
    assert.deepEqual(await lines.next(), { value: "second", done: false });
    assert.equal((await lines.next()).done, true);
  });
});

describe("traffic arguments", () => {
  it("reads hex payloads, FPorts, key=value and app/dev, refusing the rest", () => {
    assert.equal(hexToBase64("frm-payload", "01 02:03"), "AQID");
    assert.equal(hexToBase64("frm-payload", ""), "");
    assert.throws(
      () => hexToBase64("frm-payload", "012"),
      (error) => errHex.matches(error),
    );
    assert.equal(parseFPort("223"), 223);
    for (const bad of ["0", "256", "1.5", "-1", "x"])
      assert.throws(
        () => parseFPort(bad),
        (error) => errFPort.matches(error),
      );
    assert.deepEqual(parseKeyValues("headers", ["a=b=c", "d="]), { a: "b=c", d: "" });
    assert.deepEqual(parseDeviceRef("app1/dev1"), { applicationId: "app1", deviceId: "dev1" });
    for (const bad of ["app1", "app1/dev1/x", "/dev1"])
      assert.throws(
        () => parseDeviceRef(bad),
        (error) => errEndDeviceRef.matches(error),
      );
  });

  it("builds The Things Stack's ApplicationDownlink from ttn-lw-cli's flags", () => {
    assert.deepEqual(
      downlinkOf({
        fPort: "15",
        frmPayload: "0102",
        confirmed: true,
        priority: "high",
        "classBC.gateways": ["gw-one:1,gw-two"],
        "classBC.absoluteTime": "2027-01-01T00:00:00Z",
        "confirmedRetry.maxAttempts": "3",
      }),
      {
        f_port: 15,
        frm_payload: "AQI=",
        confirmed: true,
        priority: "HIGH",
        class_b_c: {
          gateways: [
            { gateway_ids: { gateway_id: "gw-one" }, antenna_index: 1 },
            { gateway_ids: { gateway_id: "gw-two" } },
          ],
          absolute_time: "2027-01-01T00:00:00.000Z",
        },
        confirmed_retry: { max_attempts: 3 },
      },
    );
    assert.deepEqual(downlinkOf({ decodedPayload: '{"led":true}' }), {
      decoded_payload: { led: true },
    });
    assert.throws(
      () => downlinkOf({ fPort: "1" }),
      (error) => errNoPayload.matches(error),
    );
  });

  it("builds the stream request of the entity flags", () => {
    assert.deepEqual(
      streamRequest({
        applicationId: ["app1"],
        endDeviceId: ["app1/dev1"],
        tail: "10",
        names: ["as.up.*"],
      }),
      {
        identifiers: [
          { application_ids: { application_id: "app1" } },
          { device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } } },
        ],
        tail: 10,
        names: ["as.up.*"],
      },
    );
  });

  it("sets only the given integration fields, with The Things Stack's mask paths", () => {
    const [webhooks, pubsubs] = integrationKinds;
    assert.deepEqual(
      integrationSetters(webhooks as (typeof integrationKinds)[number], {
        baseUrl: "https://x",
        "uplinkMessage.path": "/up",
        paused: false,
        fieldMask: ["up.uplink_message,up.join_accept"],
      }),
      {
        entity: {
          base_url: "https://x",
          uplink_message: { path: "/up" },
          paused: false,
          field_mask: { paths: ["up.uplink_message", "up.join_accept"] },
        },
        paths: ["base_url", "field_mask", "paused", "uplink_message.path"],
      },
    );
    assert.deepEqual(
      integrationSetters(pubsubs as (typeof integrationKinds)[number], {
        "provider.mqtt.serverUrl": "mqtt://b:1883",
        "provider.mqtt.publishQos": "exactly_once",
      }),
      {
        entity: { mqtt: { server_url: "mqtt://b:1883", publish_qos: "EXACTLY_ONCE" } },
        paths: ["provider.mqtt.server_url", "provider.mqtt.publish_qos"],
      },
    );
  });
});

describe("event blocks", () => {
  it("prints time, name, entities and the data's fields, without @type", () => {
    const block = formatEventBlock({
      name: "as.up.data.forward",
      time: "2026-12-06T10:00:00Z",
      identifiers: [
        { device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } } },
      ],
      data: { "@type": "x", uplink_message: { f_port: 7 } },
    });
    assert.equal(
      block,
      "2026-12-06T10:00:00Z  as.up.data.forward  device app1/dev1\n  uplink_message.f_port  7\n\n",
    );
  });
});

describe("API client open()", () => {
  it("gives the unread body of a success and the error of a stream's error line", async () => {
    const fake = (async () =>
      new Response(
        '{"error":{"code":3,"message":"bad","details":[{"namespace":"events","name":"unknown_event_name","correlation_id":"c1"}]}}\n',
        {
          status: 400,
        },
      )) as unknown as typeof fetch;
    const client = createApiClient({ server: "http://s", token: "K", fetch: fake });
    await assert.rejects(client.open("POST", "/events", { body: {} }), (error) => {
      assert.ok(errApi.matches(error));
      assert.match((error as Error).message, /events:unknown_event_name[\s\S]*c1/);
      return true;
    });
    const ok = createApiClient({
      server: "http://s",
      fetch: (async () => new Response("line\n")) as unknown as typeof fetch,
    });
    assert.equal(await (await ok.open("GET", "/x")).text(), "line\n");
  });
});

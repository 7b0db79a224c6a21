import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { anyPack, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../gen/ttn/lorawan/v3/events_pb.js";
import { APIKeySchema, Right } from "../gen/ttn/lorawan/v3/rights_pb.js";
import { defineEvent, jsonData } from "./definition.ts";
import { errMalformedEvent } from "./errors.ts";
import type { StackEvent } from "./event.ts";
import { eventCodec, fromEventMessage, toEventMessage } from "./wire.ts";

const evtKey = defineEvent("test.wire.key", {
  description: "",
  visibility: ["RIGHT_GATEWAY_SETTINGS_API_KEYS", "RIGHT_USER_GATEWAYS_LIST"],
  dataType: APIKeySchema,
});
const evtJson = defineEvent("test.wire.json", {
  description: "",
  visibility: ["RIGHT_APPLICATION_INFO"],
  dataType: jsonData<{ paths: string[]; count: number }>(),
});

function event(overrides: Partial<StackEvent>): StackEvent {
  return {
    name: evtKey.name,
    time: new Date("2026-12-01T10:00:00.123Z"),
    identifiers: [
      { kind: "gateway", id: "gw-1" },
      { kind: "end_device", id: "app-1.dev-1" },
      { kind: "user", id: "alice" },
    ],
    correlationIds: ["rpc:/x:1"],
    origin: "host-a",
    visibility: evtKey.visibility,
    uniqueId: "0123456789abcdef0123456789abcdef",
    ...overrides,
  };
}

describe("events on the wire", () => {
  it("round-trips an event with message data through ttn.lorawan.v3.Event bytes", () => {
    const original = event({ data: create(APIKeySchema, { id: "KEY1", name: "ci" }) });
    const message = toEventMessage(original);
    assert.equal(message.data?.typeUrl, "type.googleapis.com/ttn.lorawan.v3.APIKey");
    assert.deepEqual(message.visibility?.rights, [
      Right.GATEWAY_SETTINGS_API_KEYS,
      Right.USER_GATEWAYS_LIST,
    ]);
    assert.equal(toEventMessage(original), message, "converted once per event");
    const codec = eventCodec();
    const decoded = codec.decode(codec.encode(original));
    assert.deepEqual(decoded, original);
  });

  it("round-trips JSON data as google.protobuf.Value", () => {
    const original = event({
      name: evtJson.name,
      visibility: evtJson.visibility,
      data: { paths: ["name", "ids.dev_eui"], count: 2 },
    });
    assert.equal(
      toEventMessage(original).data?.typeUrl,
      "type.googleapis.com/google.protobuf.Value",
    );
    const codec = eventCodec();
    assert.deepEqual(codec.decode(codec.encode(original))?.data, original.data);
  });

  it("refuses what it cannot read: unknown names, data of another type, identifiers of nothing", () => {
    const bytes = (init: Parameters<typeof create<typeof EventSchema>>[1]) =>
      fromBinary(EventSchema, toBinary(EventSchema, create(EventSchema, init)));
    const malformed = (error: unknown) => errMalformedEvent.matches(error);
    assert.throws(() => fromEventMessage(bytes({ name: "test.wire.unknown" })), malformed);
    assert.throws(
      () =>
        fromEventMessage(
          bytes({ name: evtKey.name, data: anyPack(StringValueSchema, create(StringValueSchema)) }),
        ),
      malformed,
    );
    assert.throws(
      () => fromEventMessage(bytes({ name: evtKey.name, identifiers: [{}] })),
      malformed,
    );
    const reported: unknown[] = [];
    const codec = eventCodec((error) => reported.push(error));
    assert.equal(codec.decode(new Uint8Array([0xff, 0xff])), undefined);
    assert.equal(reported.length, 1);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deviceSyncCodec } from "./sync-message.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

describe("device sync message", () => {
  it("round-trips a key and its DevAddrs", () => {
    const message = {
      instanceId: "ns-1",
      key: { applicationId: "app1", deviceId: "dev1" },
      devAddr: hex("26011234"),
      pendingDevAddr: hex("26015678"),
    };
    assert.deepEqual(deviceSyncCodec.decode(deviceSyncCodec.encode(message)), message);
    const bare = { instanceId: "ns-1", key: message.key };
    assert.deepEqual(deviceSyncCodec.decode(deviceSyncCodec.encode(bare)), {
      ...bare,
      devAddr: undefined,
      pendingDevAddr: undefined,
    });
  });

  for (const [name, text] of [
    ["not JSON", "{"],
    ["not an object", "42"],
    ["null", "null"],
    ["no device id", '{"i":"x","a":"app1"}'],
    ["a number as id", '{"i":"x","a":"app1","d":7}'],
    ["a DevAddr of 3 bytes", '{"i":"x","a":"app1","d":"d","s":"260112"}'],
    ["a DevAddr not in hex", '{"i":"x","a":"app1","d":"d","p":"2601123z"}'],
    ["an id far too long", JSON.stringify({ i: "x", a: "a".repeat(300), d: "d" })],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(() => deviceSyncCodec.decode(bytes(text)));
    });
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DevAddrIndex, devAddrNumber } from "./dev-addr-index.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const key = (deviceId: string) => ({ applicationId: "app1", deviceId });
const found = (index: DevAddrIndex, devAddr: string) =>
  index
    .lookup(hex(devAddr))
    .map((entry) => entry.deviceId)
    .sort();

describe("DevAddr index", () => {
  it("finds devices by session and pending-session DevAddr", () => {
    const index = new DevAddrIndex();
    index.set(key("a"), { devAddr: hex("26011234") });
    index.set(key("b"), { devAddr: hex("26011234"), pendingDevAddr: hex("26015678") });
    index.set(key("c"), { pendingDevAddr: hex("26015678") });
    assert.deepEqual(found(index, "26011234"), ["a", "b"]);
    assert.deepEqual(found(index, "26015678"), ["b", "c"]);
    assert.deepEqual(found(index, "ffffffff"), []);
    assert.equal(index.size, 3);
  });

  it("moves a device when its addresses change and forgets it without any", () => {
    const index = new DevAddrIndex();
    index.set(key("a"), { devAddr: hex("26011234"), pendingDevAddr: hex("26011234") });
    assert.deepEqual(found(index, "26011234"), ["a"], "one entry for a repeated address");
    index.set(key("a"), { devAddr: hex("26019999") });
    assert.deepEqual(found(index, "26011234"), []);
    assert.deepEqual(found(index, "26019999"), ["a"]);
    index.set(key("a"), {});
    assert.deepEqual(found(index, "26019999"), []);
    assert.equal(index.size, 0);
  });

  it("answers empty for DevAddrs that are not 4 bytes, and ignores such addresses", () => {
    const index = new DevAddrIndex();
    index.set(key("a"), { devAddr: hex("2601") });
    assert.equal(index.size, 0);
    assert.deepEqual(index.lookup(new Uint8Array(0)), []);
    assert.deepEqual(index.lookup(hex("2601123400")), []);
    assert.equal(devAddrNumber(hex("ffffffff")), 0xffffffff);
  });
});

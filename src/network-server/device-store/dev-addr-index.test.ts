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

  it("answers as a plain model does through random changes, slots reused", () => {
    // The model: device → its distinct addresses; the index must find exactly those devices.
    const model = new Map<string, Set<number>>();
    const index = new DevAddrIndex();
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    // Few addresses, so that devices share them; high ones (above 2^31) too.
    const addresses = [0x26011234, 0x26011235, 0xfe000001, 0x00000000, 0xffffffff];
    const bytes = (address: number) => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, address);
      return out;
    };
    for (let step = 0; step < 5000; step++) {
      const device = { applicationId: `app${random(3)}`, deviceId: `dev${random(40)}` };
      const id = `${device.applicationId}/${device.deviceId}`;
      if (random(5) === 0) {
        index.delete(device);
        model.delete(id);
      } else {
        const session = random(3) === 0 ? undefined : addresses[random(addresses.length)];
        const pending = random(2) === 0 ? undefined : addresses[random(addresses.length)];
        index.set(device, {
          ...(session === undefined ? {} : { devAddr: bytes(session) }),
          ...(pending === undefined ? {} : { pendingDevAddr: bytes(pending) }),
        });
        const set = new Set([session, pending].filter((a) => a !== undefined));
        if (set.size === 0) model.delete(id);
        else model.set(id, set);
      }
      if (step % 50 === 0 || step === 4999) {
        for (const address of addresses) {
          const expected = [...model]
            .filter(([, set]) => set.has(address))
            .map(([id]) => id)
            .sort();
          const actual = index
            .lookup(bytes(address))
            .map((key) => `${key.applicationId}/${key.deviceId}`)
            .sort();
          assert.deepEqual(actual, expected, `step ${step}, address ${address.toString(16)}`);
        }
        assert.equal(index.size, model.size);
      }
    }
  });
});

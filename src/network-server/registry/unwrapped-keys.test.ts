import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnwrappedKeys } from "./unwrapped-keys.ts";

const wrapped = (kekLabel: string, ...bytes: number[]) => ({
  kekLabel,
  encryptedKey: new Uint8Array(bytes),
});

describe("unwrapped keys", () => {
  it("finds a key by its label and wrapped bytes", () => {
    const keys = new UnwrappedKeys(10);
    const plain = new Uint8Array([1, 2]);
    keys.set(wrapped("kek", 9, 8), plain);
    assert.equal(keys.get(wrapped("kek", 9, 8)), plain);
    assert.equal(keys.get(wrapped("other", 9, 8)), undefined);
    assert.equal(keys.get(wrapped("kek", 9, 7)), undefined);
    // The label's length keeps a label and bytes apart: "k" + "e..." is not "ke" + "...".
    keys.set(wrapped("k", 0x65, 1), new Uint8Array([3]));
    assert.equal(keys.get(wrapped("ke", 1)), undefined);
  });

  it("drops the least recently used key past its bound", () => {
    const keys = new UnwrappedKeys(2);
    keys.set(wrapped("kek", 1), new Uint8Array([1]));
    keys.set(wrapped("kek", 2), new Uint8Array([2]));
    assert.ok(keys.get(wrapped("kek", 1)), "used: now the most recent");
    keys.set(wrapped("kek", 3), new Uint8Array([3]));
    assert.equal(keys.size, 2);
    assert.equal(keys.get(wrapped("kek", 2)), undefined);
    assert.ok(keys.get(wrapped("kek", 1)));
    assert.ok(keys.get(wrapped("kek", 3)));
    const none = new UnwrappedKeys(0);
    none.set(wrapped("kek", 1), new Uint8Array([1]));
    assert.equal(none.get(wrapped("kek", 1)), undefined);
  });
});

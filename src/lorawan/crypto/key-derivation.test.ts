import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { AesKey } from "./aes-key.ts";
import { errInvalidFieldLength, errInvalidFieldValue, errInvalidKeyLength } from "./errors.ts";
import {
  deriveJsEncKey,
  deriveJsIntKey,
  deriveSessionKeys,
  deriveSessionKeys10,
  deriveSessionKeys11,
} from "./key-derivation.ts";

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** One AES-128 block encryption, the textbook definition of every derivation. */
function aes(key: Uint8Array, block: Uint8Array): string {
  return toHex(new AesKey(key).encrypt(block));
}

describe("session key derivation", () => {
  const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const inputs = fc.record({
    nwkKey: keyArb,
    appKey: keyArb,
    joinNonce: fc.integer({ min: 0, max: 0xffffff }),
    devNonce: fc.integer({ min: 0, max: 0xffff }),
    netId: fc.uint8Array({ minLength: 3, maxLength: 3 }),
    joinEui: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    devEui: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  });

  it("builds prefix | JoinNonce(LE) | NetID or JoinEUI (LE) | DevNonce(LE) | pad16", () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const block = (prefix: number, id: Uint8Array): Uint8Array => {
          const b = new Uint8Array(16);
          b[0] = prefix;
          b[1] = p.joinNonce & 0xff;
          b[2] = (p.joinNonce >> 8) & 0xff;
          b[3] = p.joinNonce >> 16;
          b.set(Uint8Array.from(id).reverse(), 4);
          b[4 + id.length] = p.devNonce & 0xff;
          b[5 + id.length] = p.devNonce >> 8;
          return b;
        };
        const k10 = deriveSessionKeys10(p.nwkKey, p);
        assert.equal(toHex(k10.nwkSKey), aes(p.nwkKey, block(1, p.netId)));
        assert.equal(toHex(k10.appSKey), aes(p.nwkKey, block(2, p.netId)));
        const k11 = deriveSessionKeys11(p.nwkKey, p.appKey, p);
        assert.equal(toHex(k11.fNwkSIntKey), aes(p.nwkKey, block(1, p.joinEui)));
        assert.equal(toHex(k11.appSKey), aes(p.appKey, block(2, p.joinEui)));
        assert.equal(toHex(k11.sNwkSIntKey), aes(p.nwkKey, block(3, p.joinEui)));
        assert.equal(toHex(k11.nwkSEncKey), aes(p.nwkKey, block(4, p.joinEui)));
        const js = (prefix: number): Uint8Array => {
          const b = new Uint8Array(16);
          b[0] = prefix;
          b.set(Uint8Array.from(p.devEui).reverse(), 1);
          return b;
        };
        assert.equal(toHex(deriveJsEncKey(p.nwkKey, p.devEui)), aes(p.nwkKey, js(5)));
        assert.equal(toHex(deriveJsIntKey(p.nwkKey, p.devEui)), aes(p.nwkKey, js(6)));
      }),
      { numRuns: 300 },
    );
  });

  it("lets OptNeg choose between the 1.0 and the 1.1 derivation", () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const set = deriveSessionKeys({ optNeg: true, ...p });
        const k11 = deriveSessionKeys11(p.nwkKey, p.appKey, p);
        assert.deepEqual(set, k11);
        const clear = deriveSessionKeys({ optNeg: false, rootKey: p.nwkKey, ...p });
        const k10 = deriveSessionKeys10(p.nwkKey, p);
        assert.deepEqual(clear, {
          fNwkSIntKey: k10.nwkSKey,
          sNwkSIntKey: k10.nwkSKey,
          nwkSEncKey: k10.nwkSKey,
          appSKey: k10.appSKey,
        });
        clear.fNwkSIntKey[0] = (clear.fNwkSIntKey[0] ?? 0) ^ 0xff;
        assert.notEqual(
          toHex(clear.fNwkSIntKey),
          toHex(clear.sNwkSIntKey),
          "the three keys are separate arrays",
        );
      }),
      { numRuns: 200 },
    );
  });

  it("rejects malformed inputs with typed errors", () => {
    const key = new Uint8Array(16);
    const p10 = { joinNonce: 1, netId: new Uint8Array(3), devNonce: 1 };
    const p11 = { joinNonce: 1, joinEui: new Uint8Array(8), devNonce: 1 };
    assert.throws(
      () => deriveSessionKeys10(new Uint8Array(32), p10),
      (e) => errInvalidKeyLength.matches(e),
    );
    assert.throws(
      () => deriveSessionKeys10(key, { ...p10, netId: new Uint8Array(4) }),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => deriveSessionKeys10(key, { ...p10, joinNonce: 0x1000000 }),
      (e) => errInvalidFieldValue.matches(e),
    );
    assert.throws(
      () => deriveSessionKeys11(key, key, { ...p11, devNonce: -1 }),
      (e) => errInvalidFieldValue.matches(e),
    );
    assert.throws(
      () => deriveSessionKeys11(key, key, { ...p11, joinEui: new Uint8Array(3) }),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => deriveJsIntKey(key, new Uint8Array(4)),
      (e) => errInvalidFieldLength.matches(e),
    );
  });
});

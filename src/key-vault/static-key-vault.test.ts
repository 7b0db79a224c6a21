import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errKeyUnwrapIntegrity } from "../lorawan/crypto/errors.ts";
import { errDecrypt, errMalformedSecret, errUnknownKey } from "./errors.ts";
import { StaticKeyVault } from "./static-key-vault.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const keys = new Map([
  ["old", hex("000102030405060708090a0b0c0d0e0f")],
  ["new", hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")],
]);

describe("StaticKeyVault", () => {
  const vault = new StaticKeyVault(keys, "new");

  it("encrypts under the default label and decrypts again", async () => {
    const secret = await vault.encrypt(utf8("lns api key"));
    assert.equal(secret.keyId, "new");
    assert.equal(secret.value[0], 1, "format byte");
    assert.equal(secret.value.length, 1 + 12 + 11 + 16);
    assert.ok(!Buffer.from(secret.value).includes(Buffer.from("lns api key")));
    assert.deepEqual(await vault.decrypt(secret), utf8("lns api key"));
  });

  it("uses a fresh nonce for every value", async () => {
    const a = await vault.encrypt(utf8("same"));
    const b = await vault.encrypt(utf8("same"));
    assert.notDeepEqual(a.value, b.value);
  });

  it("encrypts under a named label (AES-128 here)", async () => {
    const secret = await vault.encrypt(utf8("x"), "old");
    assert.equal(secret.keyId, "old");
    assert.deepEqual(await vault.decrypt(secret), utf8("x"));
  });

  it("refuses altered values, other labels and unknown formats", async () => {
    const secret = await vault.encrypt(utf8("secret"));
    const altered = Uint8Array.from(secret.value);
    altered[20] = (altered[20] ?? 0) ^ 1;
    await assert.rejects(
      vault.decrypt({ keyId: "new", value: altered }),
      errDecrypt.matches.bind(errDecrypt),
    );
    // The same bytes under another label fail even if that key were the same: the label is bound.
    const twin = new StaticKeyVault(new Map([["twin", keys.get("new") as Uint8Array]]), "twin");
    await assert.rejects(twin.decrypt({ keyId: "twin", value: secret.value }), (e) =>
      errDecrypt.matches(e),
    );
    await assert.rejects(vault.decrypt({ keyId: "new", value: new Uint8Array(5) }), (e) =>
      errMalformedSecret.matches(e),
    );
    await assert.rejects(vault.decrypt({ keyId: "gone", value: secret.value }), (e) =>
      errUnknownKey.matches(e),
    );
  });

  it("re-encrypts a value under the current default key (rotation)", async () => {
    const old = await vault.encrypt(utf8("rotate me"), "old");
    const rotated = await vault.reencrypt(old);
    assert.equal(rotated.keyId, "new");
    assert.deepEqual(await vault.decrypt(rotated), utf8("rotate me"));
  });

  it("wraps and unwraps keys with RFC 3394 (the RFC's 128-bit KEK vector)", async () => {
    const envelope = await vault.wrapKey(hex("00112233445566778899AABBCCDDEEFF"), "old");
    assert.equal(envelope.kekLabel, "old");
    assert.equal(
      Buffer.from(envelope.encryptedKey).toString("hex").toUpperCase(),
      "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
    );
    assert.deepEqual(await vault.unwrapKey(envelope), hex("00112233445566778899AABBCCDDEEFF"));
    await assert.rejects(vault.unwrapKey({ ...envelope, kekLabel: "new" }), (e) =>
      errKeyUnwrapIntegrity.matches(e),
    );
  });

  it("needs its default label among its keys and AES key lengths", () => {
    assert.throws(
      () => new StaticKeyVault(keys, "missing"),
      (e) => errUnknownKey.matches(e),
    );
    assert.throws(() => new StaticKeyVault(new Map([["x", new Uint8Array(10)]]), "x"), RangeError);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { formatAes128Key, parseAes128Key } from "./aes-key.ts";
import { errInvalidBytes, errInvalidHex, errInvalidLength } from "./errors.ts";
import { formatEui64, parseEui64 } from "./eui64.ts";

const eui = new Uint8Array([0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0x00, 0x00, 0x01]);

describe("EUI-64", () => {
  it("parses the forms users type", () => {
    for (const text of [
      "70B3D57ED0000001",
      "70b3d57ed0000001",
      "70-B3-D5-7E-D0-00-00-01",
      "70:b3:d5:7e:d0:00:00:01",
      "70 B3 D5 7E D0 00 00 01",
      "  70B3D57ED0000001  ",
    ]) {
      assert.deepEqual(parseEui64(text), eui, text);
    }
  });

  it("prints upper-case hex", () => {
    assert.equal(formatEui64(eui), "70B3D57ED0000001");
    assert.equal(formatEui64(parseEui64("ffffffffffffffff")), "FFFFFFFFFFFFFFFF");
  });

  it("names the kind it was asked to parse in errors", () => {
    assert.throws(
      () => parseEui64("70B3D57ED00000", "DevEUI"),
      (err: unknown) =>
        errInvalidLength.matches(err) &&
        err.message === "DevEUI `70B3D57ED00000` has 7 bytes instead of 8",
    );
    assert.throws(
      () => parseEui64("70B3D57ED000000X", "JoinEUI"),
      (err: unknown) =>
        errInvalidHex.matches(err) && /^JoinEUI `70B3D57ED000000X`/.test(err.message),
    );
  });

  it("refuses to format arrays of the wrong size with a typed error", () => {
    assert.throws(
      () => formatEui64(new Uint8Array(7)),
      errInvalidBytes.matches.bind(errInvalidBytes),
    );
    assert.throws(() => formatEui64("70B3" as unknown as Uint8Array), DefinedError);
  });
});

describe("AES-128 key", () => {
  const text = "2B7E151628AED2A6ABF7158809CF4F3C";
  it("parses and prints", () => {
    const key = parseAes128Key(text.toLowerCase());
    assert.equal(key.length, 16);
    assert.equal(key[0], 0x2b);
    assert.equal(key[15], 0x3c);
    assert.equal(formatAes128Key(key), text);
    assert.deepEqual(parseAes128Key(text.replace(/(..)(?!$)/g, "$1:")), key);
  });

  it("rejects keys of the wrong length", () => {
    assert.throws(
      () => parseAes128Key("2B7E151628AED2A6ABF7158809CF4F", "AppKey"),
      (err: unknown) => errInvalidLength.matches(err) && err.attributes.kind === "AppKey",
    );
    assert.throws(() => formatAes128Key(new Uint8Array(32)), DefinedError);
  });
});

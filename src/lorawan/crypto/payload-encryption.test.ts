import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errInvalidFieldChoice, errInvalidFieldLength, errInvalidFieldValue } from "./errors.ts";
import {
  type Direction,
  decryptFOpts,
  decryptFrmPayload,
  encryptFOpts,
  encryptFrmPayload,
  type FOptsCounter,
  fOptsCounter,
  MAX_FRM_PAYLOAD_LENGTH,
} from "./payload-encryption.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/**
 * Keystreams computed independently with `openssl enc -aes-128-ecb -nopad` over A blocks
 * written out by hand (DevAddr 01020304, FCnt 0x12345678, downlink).
 */
const OPENSSL = {
  key: "a5406d11c50850c965c2545ad81980a7",
  devAddrBe: "01020304",
  fCnt: 0x12345678,
  frm: {
    /** A1 = 01 00000000 01 04030201 78563412 00 01, A2 = ... 02 */
    plain: "000102030405060708090a0b0c0d0e0f10111213",
    encrypted: "46eb0a49ec4a81b846c4172f3b176c9d8730359c",
  },
  fOptsAFCntDown: {
    /** A1 = 01 00000002 01 04030201 78563412 00 01 (erratum: 0x02 for AFCntDown, last byte 0x01) */
    plain: "030706010b",
    encrypted: "899aff4f07",
  },
};

describe("FRMPayload encryption", () => {
  it("matches an OpenSSL keystream over two A blocks with a 32-bit FCnt", () => {
    const { key, devAddrBe, fCnt, frm } = OPENSSL;
    const out = encryptFrmPayload(hex(key), "downlink", hex(devAddrBe), fCnt, hex(frm.plain));
    assert.equal(toHex(out), frm.encrypted);
  });

  it("encrypts an empty payload to an empty one", () => {
    assert.equal(
      encryptFrmPayload(new Uint8Array(16), "uplink", new Uint8Array(4), 0, new Uint8Array(0))
        .length,
      0,
    );
  });

  it("round-trips and equals AES-CTR from A_1 for every length, direction and counter", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.constantFrom<Direction>("uplink", "downlink"),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 242 }),
        (key, dir, devAddr, fCnt, payload) => {
          const encrypted = encryptFrmPayload(key, dir, devAddr, fCnt, payload);
          assert.equal(
            toHex(decryptFrmPayload(key, dir, devAddr, fCnt, encrypted)),
            toHex(payload),
          );
          // Independent oracle: CTR mode starting at A_1 (the counter stays in the last byte).
          const a1 = new Uint8Array(16);
          a1[0] = 0x01;
          a1[5] = dir === "uplink" ? 0 : 1;
          a1.set(Uint8Array.from(devAddr).reverse(), 6);
          new DataView(a1.buffer).setUint32(10, fCnt, true);
          a1[15] = 1;
          const ctr = createCipheriv("aes-128-ctr", key, a1).update(payload);
          assert.equal(toHex(encrypted), toHex(ctr));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts up to 255 blocks and rejects more", () => {
    const key = new Uint8Array(16);
    const devAddr = new Uint8Array(4);
    assert.equal(
      encryptFrmPayload(key, "uplink", devAddr, 0, new Uint8Array(MAX_FRM_PAYLOAD_LENGTH)).length,
      4080,
    );
    assert.throws(
      () =>
        encryptFrmPayload(key, "uplink", devAddr, 0, new Uint8Array(MAX_FRM_PAYLOAD_LENGTH + 1)),
      (e) => errInvalidFieldLength.matches(e),
    );
  });

  it("rejects bad directions, addresses and counters with typed errors", () => {
    const key = new Uint8Array(16);
    const payload = new Uint8Array(4);
    assert.throws(
      () => encryptFrmPayload(key, "sideways" as Direction, new Uint8Array(4), 0, payload),
      (e) => errInvalidFieldChoice.matches(e),
    );
    assert.throws(
      () => encryptFrmPayload(key, "uplink", new Uint8Array(5), 0, payload),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => encryptFrmPayload(key, "uplink", new Uint8Array(4), 2 ** 32, payload),
      (e) => errInvalidFieldValue.matches(e),
    );
  });
});

describe("FOpts encryption (LoRaWAN 1.1 with the FCntDwn erratum)", () => {
  it("uses 0x02 in A_1 for AFCntDown (OpenSSL keystream)", () => {
    const { key, devAddrBe, fCnt, fOptsAFCntDown } = OPENSSL;
    const out = encryptFOpts(
      hex(key),
      "AFCntDown",
      hex(devAddrBe),
      fCnt,
      hex(fOptsAFCntDown.plain),
    );
    assert.equal(toHex(out), fOptsAFCntDown.encrypted);
  });

  it("gives distinct keystreams for NFCntDown and AFCntDown of the same value", () => {
    const key = hex(OPENSSL.key);
    const zeros = new Uint8Array(15);
    const n = encryptFOpts(key, "NFCntDown", hex("01020304"), 7, zeros);
    const a = encryptFOpts(key, "AFCntDown", hex("01020304"), 7, zeros);
    const frm = encryptFrmPayload(key, "downlink", hex("01020304"), 7, zeros);
    assert.notEqual(toHex(n), toHex(a));
    assert.notEqual(toHex(n), toHex(frm), "FOpts and FRMPayload keystreams are separate");
  });

  it("picks the counter from the direction and FPort", () => {
    assert.equal(fOptsCounter("uplink", 1), "FCntUp");
    assert.equal(fOptsCounter("uplink", undefined), "FCntUp");
    assert.equal(fOptsCounter("downlink", undefined), "NFCntDown");
    assert.equal(fOptsCounter("downlink", 0), "NFCntDown");
    assert.equal(fOptsCounter("downlink", 1), "AFCntDown");
    assert.equal(fOptsCounter("downlink", 223), "AFCntDown");
  });

  it("round-trips any FOpts of up to 15 bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.constantFrom<FOptsCounter>("FCntUp", "NFCntDown", "AFCntDown"),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 15 }),
        (key, counter, devAddr, fCnt, fOpts) => {
          const encrypted = encryptFOpts(key, counter, devAddr, fCnt, fOpts);
          assert.equal(encrypted.length, fOpts.length);
          assert.equal(toHex(decryptFOpts(key, counter, devAddr, fCnt, encrypted)), toHex(fOpts));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects FOpts over 15 bytes and unknown counters", () => {
    const key = new Uint8Array(16);
    const devAddr = new Uint8Array(4);
    assert.throws(
      () => encryptFOpts(key, "FCntUp", devAddr, 0, new Uint8Array(16)),
      (e) => errInvalidFieldLength.matches(e),
    );
    assert.throws(
      () => encryptFOpts(key, "FCntDown" as FOptsCounter, devAddr, 0, new Uint8Array(2)),
      (e) => errInvalidFieldChoice.matches(e),
    );
  });
});

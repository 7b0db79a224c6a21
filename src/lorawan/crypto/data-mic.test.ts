import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { AesKey } from "./aes-key.ts";
import {
  computeDataDownlinkMic10,
  computeDataDownlinkMic11,
  computeDataUplinkMic10,
  computeDataUplinkMic11,
  micBlock,
  verifyDataDownlinkMic10,
  verifyDataDownlinkMic11,
  verifyDataUplinkMic10,
  verifyDataUplinkMic11,
} from "./data-mic.ts";
import { errInvalidFieldLength, errInvalidFieldValue, errInvalidKeyLength } from "./errors.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/**
 * Vectors whose CMACs were computed independently with `openssl mac -cipher AES-128-CBC CMAC`
 * over the B0/B1 blocks written out by hand (layout: LoRaWAN 1.1 §4.4).
 */
const OPENSSL = {
  uplink: {
    fNwkSIntKey: "07c105892e1bbb7f7101d13a5f78249b",
    sNwkSIntKey: "f9162a2fcf6e70867cee523249282844",
    devAddrBe: "01020304",
    fCnt: 0x0001_0007,
    confFCnt: 9,
    txDr: 5,
    txCh: 2,
    msg: "80040302012007000302c3d4e5",
    b0: "490000000000040302010700010000" + "0d",
    b1: "490900050200040302010700010000" + "0d",
    /** 1.0 MIC with FNwkSIntKey as NwkSKey = cmacF[0..3]. */
    mic10: "7af73189",
    /** 1.1 MIC: cmacS (62728a24...) [0..1] | cmacF (7af73189...) [0..1]. */
    mic11: "62727af7",
  },
  downlink: {
    sNwkSIntKey: "01010101010101010101010101010100",
    devAddrBe: "01020304",
    fCnt: 5,
    confFCnt: 0x1234,
    msg: "600403020120050001a1b2",
    b0: "493412000001040302010500000000" + "0b",
    mic11: "66eac0ab",
  },
};

describe("B0 and B1 blocks", () => {
  it("lay out the fields in wire order", () => {
    const u = OPENSSL.uplink;
    const msg = hex(u.msg);
    assert.equal(toHex(micBlock(0, 0, 0, 0, hex(u.devAddrBe), u.fCnt, msg)), u.b0);
    assert.equal(
      toHex(micBlock(u.confFCnt, u.txDr, u.txCh, 0, hex(u.devAddrBe), u.fCnt, msg)),
      u.b1,
    );
    const d = OPENSSL.downlink;
    assert.equal(toHex(micBlock(d.confFCnt, 0, 0, 1, hex(d.devAddrBe), d.fCnt, hex(d.msg))), d.b0);
  });

  it("use the low 16 bits of a full ConfFCnt", () => {
    const d = OPENSSL.downlink;
    const block = micBlock(0x7_1234, 0, 0, 1, hex(d.devAddrBe), d.fCnt, hex(d.msg));
    assert.equal(toHex(block), d.b0);
  });
});

describe("data uplink MICs", () => {
  const u = OPENSSL.uplink;
  const f = hex(u.fNwkSIntKey);
  const s = hex(u.sNwkSIntKey);
  const devAddr = hex(u.devAddrBe);
  const msg = hex(u.msg);
  const params = { confFCnt: u.confFCnt, txDr: u.txDr, txCh: u.txCh };

  it("1.0: matches the OpenSSL CMAC over B0 | msg, with a 32-bit FCnt", () => {
    assert.equal(toHex(computeDataUplinkMic10(f, devAddr, u.fCnt, msg)), u.mic10);
    assert.equal(verifyDataUplinkMic10(f, devAddr, u.fCnt, msg, hex(u.mic10)), true);
    assert.equal(verifyDataUplinkMic10(f, devAddr, u.fCnt & 0xffff, msg, hex(u.mic10)), false);
  });

  it("1.1: matches cmacS[0..1] | cmacF[0..1] with ConfFCnt, TxDr and TxCh in B1", () => {
    assert.equal(toHex(computeDataUplinkMic11(f, s, devAddr, u.fCnt, params, msg)), u.mic11);
    assert.equal(verifyDataUplinkMic11(f, s, devAddr, u.fCnt, params, msg, hex(u.mic11)), true);
    for (const changed of [{ confFCnt: 8 }, { txDr: 4 }, { txCh: 3 }]) {
      const other = { ...params, ...changed };
      assert.equal(verifyDataUplinkMic11(f, s, devAddr, u.fCnt, other, msg, hex(u.mic11)), false);
    }
    assert.equal(
      verifyDataUplinkMic11(s, f, devAddr, u.fCnt, params, msg, hex(u.mic11)),
      false,
      "keys swapped",
    );
  });

  it("accepts AesKey contexts as well as raw keys", () => {
    const mic = computeDataUplinkMic11(new AesKey(f), new AesKey(s), devAddr, u.fCnt, params, msg);
    assert.equal(toHex(mic), u.mic11);
  });
});

describe("data downlink MICs", () => {
  const d = OPENSSL.downlink;
  const key = hex(d.sNwkSIntKey);
  const devAddr = hex(d.devAddrBe);
  const msg = hex(d.msg);

  it("1.1: puts ConfFCnt of the acknowledged uplink in B0", () => {
    assert.equal(toHex(computeDataDownlinkMic11(key, devAddr, d.fCnt, d.confFCnt, msg)), d.mic11);
    assert.equal(
      verifyDataDownlinkMic11(key, devAddr, d.fCnt, d.confFCnt, msg, hex(d.mic11)),
      true,
    );
    assert.equal(verifyDataDownlinkMic11(key, devAddr, d.fCnt, 0, msg, hex(d.mic11)), false);
  });

  it("1.0: equals 1.1 with ConfFCnt 0 and differs from the uplink MIC", () => {
    const mic10 = computeDataDownlinkMic10(key, devAddr, d.fCnt, msg);
    assert.equal(toHex(mic10), toHex(computeDataDownlinkMic11(key, devAddr, d.fCnt, 0, msg)));
    assert.equal(verifyDataDownlinkMic10(key, devAddr, d.fCnt, msg, mic10), true);
    assert.notEqual(toHex(mic10), toHex(computeDataUplinkMic10(key, devAddr, d.fCnt, msg)));
  });
});

describe("MIC verification", () => {
  it("accepts the computed MIC and rejects any change to the message, MIC or counter", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ minLength: 8, maxLength: 255 }),
        fc.nat(),
        (key, devAddr, fCnt, msg, pick) => {
          const mic = computeDataUplinkMic10(key, devAddr, fCnt, msg);
          assert.equal(verifyDataUplinkMic10(key, devAddr, fCnt, msg, mic), true);
          const flipped = Uint8Array.from(msg);
          const at = pick % flipped.length;
          flipped[at] = (flipped[at] ?? 0) ^ (1 << (pick % 8));
          assert.equal(verifyDataUplinkMic10(key, devAddr, fCnt, flipped, mic), false);
          const badMic = Uint8Array.from(mic);
          badMic[pick % 4] = (badMic[pick % 4] ?? 0) ^ 0x01;
          assert.equal(verifyDataUplinkMic10(key, devAddr, fCnt, msg, badMic), false);
          assert.equal(verifyDataUplinkMic10(key, devAddr, (fCnt + 1) >>> 0, msg, mic), false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("1.1 split MIC: each half depends only on its own key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 8, maxLength: 64 }),
        (f, s, other, msg) => {
          const devAddr = hex("26011bda");
          const params = { confFCnt: 1, txDr: 2, txCh: 3 };
          const mic = computeDataUplinkMic11(f, s, devAddr, 7, params, msg);
          const newF = computeDataUplinkMic11(other, s, devAddr, 7, params, msg);
          const newS = computeDataUplinkMic11(f, other, devAddr, 7, params, msg);
          assert.equal(toHex(newF.subarray(0, 2)), toHex(mic.subarray(0, 2)));
          assert.equal(toHex(newS.subarray(2, 4)), toHex(mic.subarray(2, 4)));
          assert.equal(
            toHex(mic.subarray(2, 4)),
            toHex(computeDataUplinkMic10(f, devAddr, 7, msg).subarray(0, 2)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("argument checks", () => {
  const key = new Uint8Array(16);
  const devAddr = new Uint8Array(4);
  const msg = new Uint8Array(12);
  it("rejects wrong sizes and out-of-range numbers with typed errors", () => {
    const field = (e: unknown) => errInvalidFieldLength.matches(e);
    const value = (e: unknown) => errInvalidFieldValue.matches(e);
    assert.throws(
      () => computeDataUplinkMic10(new Uint8Array(15), devAddr, 0, msg),
      (e) => errInvalidKeyLength.matches(e),
    );
    assert.throws(() => computeDataUplinkMic10(key, new Uint8Array(3), 0, msg), field);
    assert.throws(() => computeDataUplinkMic10(key, devAddr, 2 ** 32, msg), value);
    assert.throws(() => computeDataUplinkMic10(key, devAddr, -1, msg), value);
    assert.throws(() => computeDataUplinkMic10(key, devAddr, 1.5, msg), value);
    assert.throws(() => computeDataUplinkMic10(key, devAddr, 0, new Uint8Array(256)), field);
    assert.throws(() => verifyDataUplinkMic10(key, devAddr, 0, msg, new Uint8Array(3)), field);
    assert.throws(
      () => computeDataUplinkMic11(key, key, devAddr, 0, { confFCnt: 0, txDr: 256, txCh: 0 }, msg),
      value,
    );
    assert.throws(() => computeDataDownlinkMic11(key, devAddr, 0, -2, msg), value);
  });
});

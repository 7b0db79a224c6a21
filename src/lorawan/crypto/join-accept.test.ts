import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errInvalidFieldChoice, errInvalidFieldLength, errInvalidFieldValue } from "./errors.ts";
import { decryptJoinAccept, encryptJoinAccept } from "./join-accept.ts";
import {
  computeJoinAcceptMic11,
  JOIN_REQ_TYPE_JOIN,
  type JoinReqType,
  verifyJoinAcceptMic10,
  verifyJoinAcceptMic11,
} from "./join-mic.ts";
import { deriveJsEncKey, deriveJsIntKey } from "./key-derivation.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** A 1.1 join-accept answering a rejoin-request of type 2 (CMAC computed with OpenSSL). */
const JOIN_ACCEPT_REJOIN = {
  jsIntKey: "cb8e9ee114c3fb5ce472a5aa13ab1855",
  jsEncKey: "bb711eefb9829b4a75866f8616bacd6d",
  joinReqType: 2,
  joinEuiBe: "70b3d57ed0000002",
  rjCount0: 5,
  /** MHDR 20 | JoinNonce 0x000102 | NetID 000013 | DevAddr 26011BDA | DLSettings 80 (OptNeg) | RxDelay 1 */
  msg: "20020100130000da1b01268001",
  /** CMAC over 02 | JoinEUI (LE) | 0500 | msg */
  mic: "12c8fc8e",
  /** aes128_decrypt(JSEncKey, MACPayload | MIC), by `openssl enc -d -aes-128-ecb -nopad` */
  encrypted: "2f1054341777a14894829732319f40c0",
} as const;

describe("join-accept 1.1 MIC for a rejoin", () => {
  const v = JOIN_ACCEPT_REJOIN;
  const params = {
    joinReqType: v.joinReqType,
    joinEui: hex(v.joinEuiBe),
    devNonce: v.rjCount0,
  } as const;
  it("puts the rejoin type and RJcount in front of the message", () => {
    const key = hex(v.jsIntKey);
    assert.equal(toHex(computeJoinAcceptMic11(key, params, hex(v.msg))), v.mic);
    assert.equal(verifyJoinAcceptMic11(key, params, hex(v.msg), hex(v.mic)), true);
    const asJoin = { ...params, joinReqType: JOIN_REQ_TYPE_JOIN };
    assert.equal(verifyJoinAcceptMic11(key, asJoin, hex(v.msg), hex(v.mic)), false);
    assert.equal(verifyJoinAcceptMic10(key, hex(v.msg), hex(v.mic)), false);
  });

  it("rejects unknown JoinReqTypes and malformed fields with typed errors", () => {
    const key = hex(v.jsIntKey);
    const msg = hex(v.msg);
    const badType = { ...params, joinReqType: 3 as JoinReqType };
    assert.throws(
      () => computeJoinAcceptMic11(key, badType, msg),
      (e) => errInvalidFieldChoice.matches(e),
    );
    const badEui = { ...params, joinEui: new Uint8Array(7) };
    assert.throws(
      () => computeJoinAcceptMic11(key, badEui, msg),
      (e) => errInvalidFieldLength.matches(e),
    );
    const badNonce = { ...params, devNonce: 0x10000 };
    assert.throws(
      () => computeJoinAcceptMic11(key, badNonce, msg),
      (e) => errInvalidFieldValue.matches(e),
    );
  });
});

describe("join-accept encryption", () => {
  it("answers a rejoin-request: JSIntKey signs, JSEncKey encrypts, the device reverses it", () => {
    const v = JOIN_ACCEPT_REJOIN;
    const msg = hex(v.msg);
    const params = {
      joinReqType: v.joinReqType,
      joinEui: hex(v.joinEuiBe),
      devNonce: v.rjCount0,
    } as const;
    const mic = computeJoinAcceptMic11(hex(v.jsIntKey), params, msg);
    const encrypted = encryptJoinAccept(hex(v.jsEncKey), concat(msg.subarray(1), mic));
    assert.equal(toHex(encrypted), v.encrypted);
    const opened = decryptJoinAccept(hex(v.jsEncKey), encrypted);
    const plain = concat(msg.subarray(0, 1), opened.subarray(0, 12));
    assert.equal(verifyJoinAcceptMic11(hex(v.jsIntKey), params, plain, opened.subarray(12)), true);
  });

  it("JSIntKey and JSEncKey of the rejoin vector come from the V6 NwkKey and DevEUI", () => {
    const nwkKey = hex("bec499c69e9c939e413b663961636c61");
    const devEui = hex("0042004213424341");
    assert.equal(toHex(deriveJsIntKey(nwkKey, devEui)), JOIN_ACCEPT_REJOIN.jsIntKey);
    assert.equal(toHex(deriveJsEncKey(nwkKey, devEui)), JOIN_ACCEPT_REJOIN.jsEncKey);
  });

  it("round-trips any 16- or 32-byte join-accept under any key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.constantFrom(16, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        (key, plain) => {
          const encrypted = encryptJoinAccept(key, plain);
          assert.equal(encrypted.length, plain.length);
          assert.equal(toHex(decryptJoinAccept(key, encrypted)), toHex(plain));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects other lengths with a typed error", () => {
    const key = new Uint8Array(16);
    for (const size of [0, 12, 17, 31, 48]) {
      assert.throws(
        () => encryptJoinAccept(key, new Uint8Array(size)),
        (e) => errInvalidFieldLength.matches(e),
      );
      assert.throws(
        () => decryptJoinAccept(key, new Uint8Array(size)),
        (e) => errInvalidFieldLength.matches(e),
      );
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError, type ErrorDefinition } from "../../errors/index.ts";
import { decodePhyPayload } from "./decode.ts";
import {
  errFOptsWithFPort0,
  errMajor,
  errNotBytes,
  errRejoinType,
  errTooShort,
  errWrongLength,
} from "./errors.ts";
import { hex } from "./test-helpers.ts";

function assertFails(input: unknown, definition: ErrorDefinition, attributes = {}) {
  assert.throws(
    () => decodePhyPayload(input as Uint8Array),
    (err: unknown) => {
      assert.ok(err instanceof DefinedError, String(err));
      assert.equal(err.definition, definition, err.message);
      assert.equal(err.code, "invalid_argument");
      for (const [key, value] of Object.entries(attributes)) {
        assert.equal(err.attributes[key], value, key);
      }
      return true;
    },
  );
}

const dataUp = "40 04030201 00 0100 01 01020304 3b073182";

describe("decodePhyPayload errors", () => {
  it("refuses what is not a Uint8Array", () => {
    for (const input of [undefined, null, "40", 64, [0x40], new ArrayBuffer(12), {}]) {
      assertFails(input, errNotBytes);
    }
  });

  it("refuses an empty PHYPayload", () => {
    assertFails(new Uint8Array(0), errTooShort, { length: 0, min: 1 });
  });

  it("refuses every Major but LoRaWAN R1", () => {
    for (const major of [1, 2, 3]) {
      const phy = hex(dataUp);
      phy[0] = 0x40 | major;
      assertFails(phy, errMajor, { major });
    }
    assertFails(hex("e3"), errMajor, { major: 3 });
  });

  it("checks the exact length of join-requests and join-accepts", () => {
    for (const length of [1, 22, 24, 40]) {
      assertFails(new Uint8Array(length), errWrongLength, { length, expected: 23 });
    }
    for (const length of [1, 16, 18, 32, 34]) {
      const phy = new Uint8Array(length);
      phy[0] = 0x20;
      assertFails(phy, errWrongLength, { length });
    }
  });

  it("checks rejoin-request types and lengths", () => {
    assertFails(hex("c0"), errWrongLength);
    for (const type of [3, 4, 0x80, 0xff]) {
      assertFails(
        hex(`c0 ${type.toString(16).padStart(2, "0")} ${"00".repeat(17)}`),
        errRejoinType,
        {
          rejoin_type: type,
        },
      );
    }
    assertFails(hex(`c0 00 ${"00".repeat(22)}`), errWrongLength, { length: 24, expected: 19 });
    assertFails(hex(`c0 02 ${"00".repeat(16)}`), errWrongLength, { length: 18, expected: 19 });
    assertFails(hex(`c0 01 ${"00".repeat(17)}`), errWrongLength, { length: 19, expected: 24 });
  });

  it("checks data frames against their minimum length and FOptsLen", () => {
    for (const mhdr of ["40", "60", "80", "a0"]) {
      assertFails(hex(`${mhdr} 04030201 00 0100 3b0731`), errTooShort, { length: 11, min: 12 });
      // FOptsLen 15 needs 27 bytes; 26 are given.
      assertFails(hex(`${mhdr} 04030201 0f 0100 ${"00".repeat(14)} 3b073182`), errTooShort, {
        length: 26,
        min: 27,
      });
    }
  });

  it("refuses FOpts together with FPort 0", () => {
    assertFails(hex("40 04030201 01 0100 02 00 0102 3b073182"), errFOptsWithFPort0, {
      f_opts_len: 1,
    });
    assertFails(hex("60 04030201 02 0100 0203 00 3b073182"), errFOptsWithFPort0);
  });
});

describe("decodePhyPayload details", () => {
  it("reads FPort without FRMPayload, and no FPort at all", () => {
    const withPort = decodePhyPayload(hex("40 04030201 00 0100 05 3b073182"));
    assert.ok(withPort.mType === "unconfirmedDataUp");
    assert.equal(withPort.fPort, 5);
    assert.equal(withPort.frmPayload.length, 0);
    const withoutPort = decodePhyPayload(hex("40 04030201 00 0100 3b073182"));
    assert.ok(withoutPort.mType === "unconfirmedDataUp");
    assert.ok(!("fPort" in withoutPort));
    assert.equal(withoutPort.frmPayload.length, 0);
  });

  it("ignores the MHDR RFU bits and the downlink FCtrl RFU bit", () => {
    const frame = decodePhyPayload(hex("7c 04030201 40 0100 3b073182"));
    assert.deepEqual(frame, decodePhyPayload(hex("60 04030201 00 0100 3b073182")));
  });

  it("reads the uplink FCtrl bits one by one", () => {
    const bits = ["adr", "adrAckReq", "ack", "classB"] as const;
    bits.forEach((bit, i) => {
      const fCtrl = (0x80 >> i).toString(16).padStart(2, "0");
      const frame = decodePhyPayload(hex(`40 04030201 ${fCtrl} 0100 3b073182`));
      assert.ok(frame.mType === "unconfirmedDataUp");
      for (const other of bits) assert.equal(frame.fCtrl[other], other === bit, `${bit}/${other}`);
    });
  });

  it("owns its bytes: plain Uint8Arrays, unaffected by changes to the input buffer", () => {
    const input = Buffer.from(hex("80 04030201 03 0000 067307 0a e264d4f7 e117d2c0"));
    const frame = decodePhyPayload(input);
    input.fill(0);
    assert.ok(frame.mType === "confirmedDataUp");
    assert.equal(Object.getPrototypeOf(frame.frmPayload), Uint8Array.prototype);
    assert.deepEqual(frame.fOpts, hex("067307"));
    assert.deepEqual(frame.frmPayload, hex("e264d4f7"));
    assert.deepEqual(frame.mic, hex("e117d2c0"));
    assert.deepEqual(frame.devAddr, hex("01020304"));
  });
});

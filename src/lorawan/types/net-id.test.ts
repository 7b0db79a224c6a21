import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { errInvalidLength } from "./errors.ts";
import {
  formatNetId,
  netIdFromUint24,
  netIdId,
  netIdNwkId,
  netIdToUint24,
  netIdType,
  parseNetId,
} from "./net-id.ts";
import { netIdIdBits, nwkAddrBits, nwkIdBits } from "./net-id-types.ts";

describe("NetID", () => {
  it("parses, prints and converts to numbers", () => {
    const ttn = parseNetId("00-00-13");
    assert.deepEqual(ttn, new Uint8Array([0x00, 0x00, 0x13]));
    assert.equal(formatNetId(ttn), "000013");
    assert.equal(netIdToUint24(parseNetId("c0002f")), 0xc0002f);
    assert.deepEqual(netIdFromUint24(0x60002d), parseNetId("60002D"));
    assert.throws(() => parseNetId("0013"), errInvalidLength.matches.bind(errInvalidLength));
    assert.throws(() => netIdType(new Uint8Array(4)), DefinedError);
  });

  it("splits type, NetID-ID and NwkID per Backend Interfaces (with the type 3/4 errata)", () => {
    // [NetID, type, NetID-ID, NwkID]
    const cases: [string, number, number, number][] = [
      ["000013", 0, 0x13, 0x13],
      ["00003F", 0, 0x3f, 0x3f],
      ["000040", 0, 0x00, 0x00], // bits above the 6-bit ID are RFU for type 0
      ["200005", 1, 0x05, 0x05],
      ["4001FF", 2, 0x1ff, 0x1ff],
      ["60002D", 3, 0x2d, 0x2d],
      ["7FFFFF", 3, 0x1fffff, 0x7ff],
      ["9FFFFF", 4, 0x1fffff, 0xfff],
      ["BFFFFF", 5, 0x1fffff, 0x1fff],
      ["C00053", 6, 0x53, 0x53],
      ["DFFFFF", 6, 0x1fffff, 0x7fff],
      ["FFFFFF", 7, 0x1fffff, 0x1ffff],
    ];
    for (const [text, type, id, nwkId] of cases) {
      const netId = parseNetId(text);
      assert.equal(netIdType(netId), type, `${text} type`);
      assert.equal(netIdId(netId), id, `${text} NetID-ID`);
      assert.equal(netIdNwkId(netId), nwkId, `${text} NwkID`);
    }
  });

  it("has the bit lengths of the specification", () => {
    const types = [0, 1, 2, 3, 4, 5, 6, 7] as const;
    assert.deepEqual(
      types.map((t) => nwkIdBits(t)),
      [6, 6, 9, 11, 12, 13, 15, 17],
    );
    assert.deepEqual(
      types.map((t) => nwkAddrBits(t)),
      [25, 24, 20, 17, 15, 13, 10, 7],
    );
    assert.deepEqual(
      types.map((t) => netIdIdBits(t)),
      [6, 6, 9, 21, 21, 21, 21, 21],
    );
  });
});

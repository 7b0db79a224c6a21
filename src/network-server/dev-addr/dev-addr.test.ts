import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  errDevAddrPrefixOutsideNetId,
  errInvalidDevAddrPrefix,
  errInvalidNetId,
  errNoDevAddrPrefixes,
} from "../errors.ts";
import {
  devAddrNumber,
  devAddrPrefixesOf,
  formatDevAddrPrefix,
  generateDevAddr,
  hasPrefix,
  netIdPrefix,
  netIdType,
  nwkId,
  parseDevAddrPrefix,
  parseNetId,
} from "./index.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();

describe("NetIDs", () => {
  // Worked by hand from the Backend Interfaces table: the type's prefix (type ones, a zero),
  // then the NwkID (the NetID's low 6, 6, 9, 10, 11, 13, 15 or 17 bits).
  const cases = [
    // The Things Network's NetID: type 0, NwkID 0x13 → 0 010011 → 0x26, 7 bits.
    { netId: "000013", type: 0, nwkId: 0x13, prefix: "26000000/7" },
    { netId: "000000", type: 0, nwkId: 0, prefix: "00000000/7" },
    { netId: "00003F", type: 0, nwkId: 0x3f, prefix: "7E000000/7" },
    // Type 1: 10 + 6 bits.
    { netId: "200005", type: 1, nwkId: 5, prefix: "85000000/8" },
    // Type 2: 110 + 9 bits (0x1FF → all ones: 110 111111111 = 0xDFF, 12 bits).
    { netId: "4001FF", type: 2, nwkId: 0x1ff, prefix: "DFF00000/12" },
    // Type 3: 1110 + 10 bits; 0x0123 → 1110 0100100011 → 0xE48C, 14 bits.
    { netId: "600123", type: 3, nwkId: 0x123, prefix: "E48C0000/14" },
    // Type 4: 11110 + 11 bits; 0x7FF → 11110 11111111111 = 0xF7FF (16 bits).
    { netId: "8007FF", type: 4, nwkId: 0x7ff, prefix: "F7FF0000/16" },
    // Type 5: 111110 + 13 bits; 0x0001 → 111110 0000000000001 → F8002000, 19 bits.
    { netId: "A00001", type: 5, nwkId: 1, prefix: "F8002000/19" },
    // Type 6: 1111110 + 15 bits; 0x53 → FC014C00, 22 bits.
    { netId: "C00053", type: 6, nwkId: 0x53, prefix: "FC014C00/22" },
    // Type 7: 11111110 + 17 bits; 0x1FFFF → FEFFFF80, 25 bits.
    { netId: "E1FFFF", type: 7, nwkId: 0x1ffff, prefix: "FEFFFF80/25" },
    // High ID bits beyond the NwkID do not count: type 0 keeps the low 6 bits.
    { netId: "1FFFC1", type: 0, nwkId: 1, prefix: "02000000/7" },
  ];
  for (const { netId, type, nwkId: id, prefix } of cases)
    it(`${netId}: type ${type}, NwkID ${id.toString(16)}, prefix ${prefix}`, () => {
      const value = parseNetId(netId);
      assert.equal(netIdType(value), type);
      assert.equal(nwkId(value), id);
      assert.equal(formatDevAddrPrefix(netIdPrefix(value)), prefix);
    });

  it("refuses a NetID that is not 6 hexadecimal digits", () => {
    for (const text of ["", "00001", "0000130", "00001G"])
      assert.throws(
        () => parseNetId(text),
        (error) => errInvalidNetId.matches(error),
      );
  });
});

describe("DevAddr prefixes", () => {
  it("parses and clears the bits below the length", () => {
    assert.deepEqual(parseDevAddrPrefix("260B1234/16"), { devAddr: 0x260b0000, length: 16 });
    assert.deepEqual(parseDevAddrPrefix("FFFFFFFF/0"), { devAddr: 0, length: 0 });
    assert.deepEqual(parseDevAddrPrefix("01020304/32"), { devAddr: 0x01020304, length: 32 });
    for (const text of ["260B0000", "260B0000/33", "260B000/16", "zz0B0000/16", "260B0000/-1"])
      assert.throws(
        () => parseDevAddrPrefix(text),
        (error) => errInvalidDevAddrPrefix.matches(error),
      );
  });

  it("defaults to the NetID's range and refuses prefixes outside it", () => {
    const ttn = parseNetId("000013");
    assert.deepEqual(devAddrPrefixesOf(ttn, []).map(formatDevAddrPrefix), ["26000000/7"]);
    assert.deepEqual(
      devAddrPrefixesOf(ttn, ["260B0000/16", "27000000/8", "26000000/7"]).map(formatDevAddrPrefix),
      ["260B0000/16", "27000000/8", "26000000/7"],
    );
    for (const outside of ["28000000/8", "26000000/6", "00000000/0"])
      assert.throws(
        () => devAddrPrefixesOf(ttn, [outside]),
        (error) => errDevAddrPrefixOutsideNetId.matches(error),
      );
  });
});

describe("DevAddr generation", () => {
  it("stays within the prefixes, with random low bits", () => {
    const prefixes = [parseDevAddrPrefix("260B0000/16"), parseDevAddrPrefix("FC014C00/22")];
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const devAddr = generateDevAddr(prefixes);
      assert.equal(devAddr.length, 4);
      const value = devAddrNumber(devAddr);
      assert.ok(
        prefixes.some((prefix) => hasPrefix(value, prefix)),
        hex(devAddr),
      );
      seen.add(hex(devAddr));
    }
    assert.ok(seen.size > 400, "addresses are random");
    assert.ok([...seen].some((text) => text.startsWith("260B")));
    assert.ok([...seen].some((text) => text.startsWith("FC01")));
  });

  it("takes the prefix and the low bits from the random source", () => {
    const draws: number[] = [];
    const random = (max: number) => {
      draws.push(max);
      return max - 1;
    };
    const prefixes = [parseDevAddrPrefix("26000000/7"), parseDevAddrPrefix("260B0000/16")];
    assert.equal(hex(generateDevAddr(prefixes, random)), "260BFFFF");
    assert.deepEqual(draws, [2, 2 ** 16]);
    assert.equal(hex(generateDevAddr([parseDevAddrPrefix("26000000/7")], () => 0)), "26000000");
    assert.equal(hex(generateDevAddr([parseDevAddrPrefix("01020304/32")])), "01020304");
    assert.equal(
      hex(generateDevAddr([parseDevAddrPrefix("00000000/0")], (max) => max - 1)),
      "FFFFFFFF",
    );
    assert.throws(
      () => generateDevAddr([]),
      (error) => errNoDevAddrPrefixes.matches(error),
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import {
  devAddrFromUint32,
  devAddrNetIdType,
  devAddrNwkAddr,
  devAddrNwkId,
  devAddrToUint32,
  formatDevAddr,
  parseDevAddr,
} from "./dev-addr.ts";
import {
  devAddrBelongsToNetId,
  devAddrHasPrefix,
  devAddrPrefixForNetId,
  formatDevAddrPrefix,
  makeDevAddr,
  parseDevAddrPrefix,
} from "./dev-addr-prefix.ts";
import { errInvalidDevAddrPrefix, errInvalidHex, errNwkAddrOutOfRange } from "./errors.ts";
import { parseNetId } from "./net-id.ts";

describe("DevAddr", () => {
  it("parses, prints and converts to numbers", () => {
    const devAddr = parseDevAddr("26:0b:12:34");
    assert.deepEqual(devAddr, new Uint8Array([0x26, 0x0b, 0x12, 0x34]));
    assert.equal(formatDevAddr(devAddr), "260B1234");
    assert.equal(devAddrToUint32(parseDevAddr("FFFFFFFF")), 0xffffffff);
    assert.equal(devAddrToUint32(parseDevAddr("80000001")), 0x80000001);
    assert.deepEqual(devAddrFromUint32(0xfe000080), parseDevAddr("FE000080"));
    assert.throws(() => parseDevAddr("260B12345"), errInvalidHex.matches.bind(errInvalidHex));
    assert.throws(() => devAddrToUint32(new Uint8Array(3)), DefinedError);
  });

  it("finds the NetID type, NwkID and NwkAddr", () => {
    // [DevAddr, type, NwkID, NwkAddr]
    const cases: [string, number, number, number][] = [
      ["260B1234", 0, 0x13, 0x00b1234], // TTN: 0 010011 0...
      ["01FFFFFF", 0, 0x00, 0x1ffffff],
      ["02000000", 0, 0x01, 0],
      ["80000000", 1, 0x00, 0],
      ["BF000001", 1, 0x3f, 1],
      ["C0000000", 2, 0x000, 0],
      ["DFFFFFFF", 2, 0x1ff, 0xfffff],
      ["E05A0001", 3, 0x02d, 1],
      ["F0000000", 4, 0, 0],
      ["F8000000", 5, 0, 0],
      ["FC014C00", 6, 0x53, 0],
      ["FE000080", 7, 0x00001, 0],
      ["FE00007F", 7, 0x00000, 0x7f],
    ];
    for (const [text, type, nwkId, nwkAddr] of cases) {
      const devAddr = parseDevAddr(text);
      assert.equal(devAddrNetIdType(devAddr), type, `${text} type`);
      assert.equal(devAddrNwkId(devAddr), nwkId, `${text} NwkID`);
      assert.equal(devAddrNwkAddr(devAddr), nwkAddr, `${text} NwkAddr`);
    }
  });

  it("gives no type to addresses starting with 0xFF", () => {
    for (const text of ["FF000000", "FFFFFFFF"]) {
      assert.equal(devAddrNetIdType(parseDevAddr(text)), undefined);
      assert.equal(devAddrNwkId(parseDevAddr(text)), undefined);
      assert.equal(devAddrNwkAddr(parseDevAddr(text)), undefined);
    }
  });
});

describe("DevAddr prefixes", () => {
  it("computes the block of a NetID", () => {
    const cases: [string, string][] = [
      ["000000", "00000000/7"],
      ["000001", "02000000/7"],
      ["000013", "26000000/7"],
      ["200005", "85000000/8"],
      ["4001FF", "DFF00000/12"],
      ["60002D", "E05A0000/15"],
      ["9FFFFF", "F7FF8000/17"],
      ["BFFFFF", "FBFFE000/19"],
      ["C00053", "FC014C00/22"],
      ["E00001", "FE000080/25"],
      ["FFFFFF", "FEFFFF80/25"],
    ];
    for (const [netId, prefix] of cases) {
      assert.equal(formatDevAddrPrefix(devAddrPrefixForNetId(parseNetId(netId))), prefix, netId);
    }
  });

  it("makes DevAddrs in the block and checks membership", () => {
    const ttn = parseNetId("000013");
    const devAddr = makeDevAddr(ttn, 0x00b1234);
    assert.equal(formatDevAddr(devAddr), "260B1234");
    assert.ok(devAddrBelongsToNetId(devAddr, ttn));
    assert.ok(!devAddrBelongsToNetId(parseDevAddr("28000000"), ttn));
    assert.ok(!devAddrBelongsToNetId(devAddr, parseNetId("000012")));
    assert.equal(formatDevAddr(makeDevAddr(parseNetId("E00001"), 0x7f)), "FE0000FF");
    for (const bad of [0x80, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => makeDevAddr(parseNetId("E00001"), bad),
        errNwkAddrOutOfRange.matches.bind(errNwkAddrOutOfRange),
      );
    }
    assert.throws(() => makeDevAddr(ttn, 0x2000000), DefinedError);
  });

  it("tests prefixes of any length", () => {
    const devAddr = parseDevAddr("260B1234");
    assert.ok(devAddrHasPrefix(devAddr, parseDevAddrPrefix("26000000/7")));
    assert.ok(devAddrHasPrefix(devAddr, parseDevAddrPrefix("27000000/7")));
    assert.ok(!devAddrHasPrefix(devAddr, parseDevAddrPrefix("27000000/8")));
    assert.ok(devAddrHasPrefix(devAddr, parseDevAddrPrefix("FFFFFFFF/0")));
    assert.ok(devAddrHasPrefix(devAddr, parseDevAddrPrefix("260B1234/32")));
    assert.ok(devAddrHasPrefix(devAddr, parseDevAddrPrefix("260B1234")));
    assert.ok(!devAddrHasPrefix(devAddr, parseDevAddrPrefix("260B1235")));
  });

  it("parses and prints prefixes, rejecting bad ones with typed errors", () => {
    assert.deepEqual(parseDevAddrPrefix(" 26-00-00-00/7 "), {
      devAddr: parseDevAddr("26000000"),
      length: 7,
    });
    for (const bad of ["26000000/33", "26000000/", "26000000/x", "26000000/-1", "26000000/7/1"]) {
      assert.throws(
        () => parseDevAddrPrefix(bad),
        errInvalidDevAddrPrefix.matches.bind(errInvalidDevAddrPrefix),
        bad,
      );
    }
    assert.throws(() => parseDevAddrPrefix("2600/7"), DefinedError);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGolden, assertRoundTrip } from "../testing.ts";
import { rekey } from "./rekey.ts";

describe("Rekey (0x0B)", () => {
  it("describes the CID", () => {
    assert.equal(rekey.cid, 0x0b);
    assert.equal(rekey.uplinkLength, 1);
    assert.equal(rekey.downlinkLength, 1);
    assert.equal(rekey.initiatedBy, "device");
    assert.deepEqual(rekey.versions, ["1.1"]);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x0B | Dev LoRaWAN version: RFU(7:4)=0 Minor(3:0)=1
    assertGolden("uplink", "0B 01", { cid: 0x0b, name: "RekeyInd", minorVersion: 1 });
    // CID 0x0B | Serv LoRaWAN version: RFU(7:4)=0 Minor(3:0)=1
    assertGolden("downlink", "0B 01", { cid: 0x0b, name: "RekeyConf", minorVersion: 1 });
  });

  it("round-trips", () => {
    assertRoundTrip("RekeyInd");
    assertRoundTrip("RekeyConf");
  });
});

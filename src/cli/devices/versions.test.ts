import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHexBytes } from "./device-flags.ts";
import { errHexBytes, errVersion } from "./errors.ts";
import { parseVersion } from "./versions.ts";

describe("device flag values", () => {
  it("reads versions by TTS's names and aliases and writes TTS's names", () => {
    assert.equal(parseVersion("mac", "lorawan-version", "1.0.3"), "MAC_V1_0_3");
    assert.equal(parseVersion("mac", "lorawan-version", "MAC_V1_1"), "MAC_V1_1");
    assert.equal(parseVersion("phy", "lorawan-phy-version", "1.0.2-b"), "PHY_V1_0_2_REV_B");
    assert.equal(
      parseVersion("phy", "lorawan-phy-version", "RP001_V1_0_3_REV_A"),
      "PHY_V1_0_3_REV_A",
    );
    assert.equal(parseVersion("phy", "lorawan-phy-version", "RP002_V1_0_3"), "RP002_V1_0_3");
    for (const bad of ["1.0.9", "MAC_UNKNOWN", "", "V1_0_5"])
      assert.throws(
        () => parseVersion("mac", "lorawan-version", bad),
        (e) => errVersion.matches(e),
      );
  });

  it("reads keys and DevAddrs as hex of the right length", () => {
    assert.equal(
      parseHexBytes("k", "00112233445566778899aabbccddeeff", 16),
      "00112233445566778899AABBCCDDEEFF",
    );
    assert.equal(parseHexBytes("a", "26:0b:1a:2f", 4), "260B1A2F");
    for (const bad of [
      "0011",
      "zz112233445566778899aabbccddeeff",
      "00112233445566778899aabbccddeeff00",
    ])
      assert.throws(
        () => parseHexBytes("k", bad, 16),
        (e) => errHexBytes.matches(e),
      );
  });
});

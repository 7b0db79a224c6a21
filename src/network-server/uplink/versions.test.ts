import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { versionRules } from "./versions.ts";

describe("versionRules", () => {
  it("1.0.3 keeps MAX_FCNT_GAP and the confirmed limit; 1.0.4 drops both", () => {
    assert.deepEqual(versionRules(MACVersion.MAC_V1_0_3), {
      legacyMic: true,
      maxFCntGap: true,
      limitConfirmedTransmissions: true,
    });
    assert.deepEqual(versionRules(MACVersion.MAC_V1_0_4), {
      legacyMic: true,
      maxFCntGap: false,
      limitConfirmedTransmissions: false,
    });
  });
  it("1.1 uses the two-key MIC although its enum number is below 1.0.3's", () => {
    assert.equal(versionRules(MACVersion.MAC_V1_1)?.legacyMic, false);
  });
  it("knows no rules for an unknown version", () => {
    assert.equal(versionRules(MACVersion.MAC_UNKNOWN), undefined);
    assert.equal(versionRules(99 as MACVersion), undefined);
  });
});

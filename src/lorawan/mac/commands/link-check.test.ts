import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidField } from "../errors.ts";
import { decodeMacCommands, encodeMacCommands } from "../sequence.ts";
import { assertGolden, assertRoundTrip, fromHex } from "../testing.ts";
import { linkCheck } from "./link-check.ts";

describe("LinkCheck (0x02)", () => {
  it("describes the CID", () => {
    assert.equal(linkCheck.cid, 0x02);
    assert.equal(linkCheck.uplinkLength, 0);
    assert.equal(linkCheck.downlinkLength, 2);
    assert.equal(linkCheck.initiatedBy, "device");
    assert.equal(linkCheck.versions.length, 6);
  });

  it("decodes and encodes golden vectors", () => {
    // CID 0x02, no payload
    assertGolden("uplink", "02", { cid: 0x02, name: "LinkCheckReq" });
    // CID 0x02 | Margin=0x14 (20 dB) | GwCnt=0x03
    assertGolden("downlink", "02 14 03", {
      cid: 0x02,
      name: "LinkCheckAns",
      margin: 20,
      gatewayCount: 3,
    });
  });

  it("keeps the reserved margin 255 on decode but refuses to encode it", () => {
    // CID 0x02 | Margin=0xFF (reserved) | GwCnt=0x00
    assert.deepEqual(decodeMacCommands(fromHex("02 FF 00"), "downlink"), [
      { cid: 0x02, name: "LinkCheckAns", margin: 255, gatewayCount: 0 },
    ]);
    assert.throws(
      () =>
        encodeMacCommands(
          [{ cid: 0x02, name: "LinkCheckAns", margin: 255, gatewayCount: 0 }],
          "downlink",
        ),
      (err) => errInvalidField.matches(err) && err.attributes.field === "margin",
    );
  });

  it("round-trips", () => {
    assertRoundTrip("LinkCheckReq");
    assertRoundTrip("LinkCheckAns");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { base64ToHex, buildDownlink } from "./downlink.ts";

describe("the Messaging tab's downlink", () => {
  it("sends hex as base64 bytes", () => {
    const built = buildDownlink({
      fPort: "15",
      payloadType: "bytes",
      payload: "01 0a ff",
      confirmed: true,
    });
    assert.deepEqual(built, { downlink: { f_port: 15, confirmed: true, frm_payload: "AQr/" } });
    assert.equal(base64ToHex("AQr/"), "01 0A FF");
  });

  it("sends JSON as a decoded payload for the formatter", () => {
    const built = buildDownlink({
      fPort: "1",
      payloadType: "json",
      payload: '{"led": true}',
      confirmed: false,
    });
    assert.deepEqual(built, {
      downlink: { f_port: 1, confirmed: false, decoded_payload: { led: true } },
    });
  });

  it("names each bad field", () => {
    for (const fPort of ["0", "224", "x", ""]) {
      const built = buildDownlink({ fPort, payloadType: "bytes", payload: "", confirmed: false });
      assert.ok("errors" in built && built.errors.fPort, fPort);
    }
    const odd = buildDownlink({
      fPort: "1",
      payloadType: "bytes",
      payload: "abc",
      confirmed: false,
    });
    assert.ok("errors" in odd && /even/.test(odd.errors.payload ?? ""));
    const array = buildDownlink({
      fPort: "1",
      payloadType: "json",
      payload: "[1]",
      confirmed: false,
    });
    assert.ok("errors" in array && /object/.test(array.errors.payload ?? ""));
    const broken = buildDownlink({
      fPort: "1",
      payloadType: "json",
      payload: "{",
      confirmed: false,
    });
    assert.ok("errors" in broken && /Not JSON/.test(broken.errors.payload ?? ""));
  });
});

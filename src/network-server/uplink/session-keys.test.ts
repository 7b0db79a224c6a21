import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { SessionSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { networkSessionKeys } from "./session-keys.ts";
import { hex } from "./testing.ts";

const f = hex("11111111111111111111111111111111");
const s = hex("22222222222222222222222222222222");

describe("networkSessionKeys", () => {
  it("opens the 1.1 keys as AES contexts", () => {
    const session = create(SessionSchema, {
      keys: { fNwkSIntKey: { key: f }, sNwkSIntKey: { key: s } },
    });
    const keys = networkSessionKeys(session, "current", true);
    assert.ok(keys.fNwkSIntKey.hasKey(f));
    assert.ok(keys.sNwkSIntKey?.hasKey(s));
    assert.equal(keys.nwkSEncKey, undefined);
  });
  it("needs SNwkSIntKey for 1.1 only", () => {
    const session = create(SessionSchema, { keys: { fNwkSIntKey: { key: f } } });
    assert.ok(networkSessionKeys(session, "current", false).fNwkSIntKey.hasKey(f));
    assert.throws(
      () => networkSessionKeys(session, "pending", true),
      /pending session has no `s_nwk_s_int_key`/,
    );
  });
  it("refuses a key that is still wrapped", () => {
    const session = create(SessionSchema, {
      keys: { fNwkSIntKey: { kekLabel: "ns", encryptedKey: hex("00".repeat(24)) } },
    });
    assert.throws(() => networkSessionKeys(session, "current", false), /f_nwk_s_int_key/);
  });
});

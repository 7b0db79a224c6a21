import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { activatePendingSession } from "./pending-session.ts";
import { device, hex } from "./testing.ts";

const T = Date.UTC(2026, 0, 1);

describe("activatePendingSession", () => {
  it("makes the pending session and MAC state current with the join-accept's RX parameters", () => {
    const before = device({
      session: { devAddr: hex("01020304"), lastFCntUp: 900 },
      pendingSession: { devAddr: hex("26011234") },
      pendingMacState: {
        currentParameters: { rx1Delay: 1, rx1DataRateOffset: 0, rx2DataRateIndex: 0 },
        pendingJoinRequest: { rxDelay: 5, downlinkSettings: { rx1DrOffset: 2, rx2Dr: 3 } },
      },
    });
    const after = activatePendingSession(before, T);
    assert.deepEqual(after.session?.devAddr, hex("26011234"));
    assert.equal(after.session?.lastFCntUp, 0);
    assert.equal(after.session?.startedAt && timestampMs(after.session.startedAt), T);
    assert.equal(after.macState?.currentParameters?.rx1Delay, 5);
    assert.equal(after.macState?.currentParameters?.rx1DataRateOffset, 2);
    assert.equal(after.macState?.currentParameters?.rx2DataRateIndex, 3);
    assert.equal(after.macState?.pendingJoinRequest, undefined);
    assert.equal(after.pendingSession, undefined);
    assert.equal(after.pendingMacState, undefined);
    // The device given is not changed.
    assert.equal(before.session?.lastFCntUp, 900);
    assert.ok(before.pendingSession);
  });
  it("leaves a device without a pending session as it is", () => {
    const d = device({ session: { lastFCntUp: 3 } });
    assert.equal(activatePendingSession(d, T), d);
  });
});

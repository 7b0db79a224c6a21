import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("BeaconTimingReq", () => {
  it("is reported and not answered (deprecated)", () => {
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x12, name: "BeaconTimingReq" }],
      uplinkContext(),
    );
    assert.deepEqual(eventNames(up.events), ["ns.mac.beacon_timing.request"]);
    assert.equal(up.state.macState.queuedResponses.length, 0);
  });
});

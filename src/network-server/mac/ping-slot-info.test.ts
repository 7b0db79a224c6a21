import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("PingSlotInfoReq", () => {
  it("keeps the periodicity and acknowledges", () => {
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x10, name: "PingSlotInfoReq", periodicity: 5 }],
      uplinkContext(),
    );
    assert.deepEqual(eventNames(up.events), [
      "ns.mac.ping_slot_info.request",
      "ns.mac.ping_slot_info.answer",
    ]);
    assert.equal(up.state.macState.pingSlotPeriodicity?.value, 5);
    assert.equal(up.state.macState.queuedResponses[0]?.cid, 0x10);
  });
});

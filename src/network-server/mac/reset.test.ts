import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eu868, eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

// The whole exchange is in scenarios.test.ts; this is about what the reset keeps.
describe("ResetInd", () => {
  it("keeps the answers queued before it in the same uplink", () => {
    const up = handleUplinkCommands(
      { macState: settledState(eu868, MACVersion.MAC_V1_1), unanswered: { 4: 2 } },
      [
        { cid: 0x02, name: "LinkCheckReq" },
        { cid: 0x01, name: "ResetInd", minorVersion: 1 },
      ],
      uplinkContext({
        supportsJoin: false,
        initialState: () => settledState(eu868, MACVersion.MAC_V1_1),
      }),
    );
    assert.deepEqual(eventNames(up.events), [
      "ns.mac.link_check.request",
      "ns.mac.link_check.answer",
      "ns.mac.reset.indication",
      "ns.mac.reset.confirmation",
    ]);
    assert.deepEqual(
      up.state.macState.queuedResponses.map((c) => c.cid),
      [0x02, 0x01],
    );
    assert.deepEqual(up.state.unanswered, {});
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { fromStateCommand } from "./commands.ts";
import { eu868, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

// The whole exchange is in scenarios.test.ts; this is about the minor version.
describe("RekeyInd", () => {
  for (const [asked, confirmed] of [
    [1, 1],
    [2, 1],
    [0, 0],
  ] as const) {
    it(`minor version ${asked} is confirmed as ${confirmed}`, () => {
      const up = handleUplinkCommands(
        { macState: settledState(eu868, MACVersion.MAC_V1_1) },
        [{ cid: 0x0b, name: "RekeyInd", minorVersion: asked }],
        uplinkContext({ supportsJoin: true }),
      );
      const queued = up.state.macState.queuedResponses[0];
      assert.ok(queued);
      assert.deepEqual(fromStateCommand(queued, "downlink"), {
        cid: 0x0b,
        name: "RekeyConf",
        minorVersion: confirmed,
      });
    });
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eu868, eventNames, exchange, settledState } from "./testing.ts";

const forceRejoin = { period: 2, maxRetries: 3, rejoinType: 0, dataRateIndex: 1 };

describe("ForceRejoinReq", () => {
  it("is sent when asked for, on a 1.1 device, and expects no MAC answer", () => {
    const { down, up } = exchange(settledState(eu868, MACVersion.MAC_V1_1), [], { forceRejoin });
    assert.deepEqual(down.commands, [{ cid: 0x0e, name: "ForceRejoinReq", ...forceRejoin }]);
    assert.deepEqual(eventNames(down.events), ["ns.mac.force_rejoin.request"]);
    assert.equal(down.state.macState.pendingRequests.length, 1);
    // The device answers with a rejoin-request: nothing stays pending, nothing is given up.
    assert.equal(up.state.macState.pendingRequests.length, 0);
    assert.deepEqual(up.state.unanswered, {});
  });

  it("is not sent unless asked for, nor to a 1.0 device", () => {
    assert.deepEqual(exchange(settledState(eu868, MACVersion.MAC_V1_1), []).down.commands, []);
    assert.deepEqual(
      exchange(settledState(eu868, MACVersion.MAC_V1_0_4), [], { forceRejoin }).down.commands,
      [],
    );
  });
});

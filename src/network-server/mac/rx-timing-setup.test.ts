import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { enqueueDownlinkCommands } from "./downlink.ts";
import { downlinkContext, eventNames, exchange, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("RXTimingSetupReq", () => {
  it("asks for the desired RX1 delay and applies it on the answer", () => {
    const macState = settledState();
    if (macState.desiredParameters) macState.desiredParameters.rx1Delay = 5;
    const { down, up } = exchange(macState, [{ cid: 0x08, name: "RXTimingSetupAns" }]);
    assert.deepEqual(down.commands, [{ cid: 0x08, name: "RXTimingSetupReq", delay: 5 }]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.rx_timing_setup.answer"]);
    assert.equal(up.state.macState.currentParameters?.rx1Delay, 5);
  });

  it("is sticky: a repeated answer is no drop, and no request follows a repeated answer", () => {
    const macState = settledState();
    if (macState.desiredParameters) macState.desiredParameters.rx1Delay = 5;
    const { up } = exchange(macState, [{ cid: 0x08, name: "RXTimingSetupAns" }]);
    // The device repeats the answer until it hears a class A downlink.
    const repeat = handleUplinkCommands(
      up.state,
      [{ cid: 0x08, name: "RXTimingSetupAns" }],
      uplinkContext(),
    );
    assert.deepEqual(eventNames(repeat.events), []);
    if (repeat.state.macState.desiredParameters)
      repeat.state.macState.desiredParameters.rx1Delay = 6;
    const next = enqueueDownlinkCommands(repeat.state, { downlink: 15 }, downlinkContext());
    assert.deepEqual(next.commands, []);
  });
});

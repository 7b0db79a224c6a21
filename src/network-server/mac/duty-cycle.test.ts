import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventNames, exchange, settledState } from "./testing.ts";

describe("DutyCycleReq", () => {
  it("is not needed when the duty cycle is the desired one", () => {
    assert.deepEqual(exchange(settledState(), []).down.commands, []);
  });

  it("asks for the desired duty cycle and applies it on the answer", () => {
    const macState = settledState();
    if (macState.desiredParameters) macState.desiredParameters.maxDutyCycle = 7;
    const { down, up } = exchange(macState, [{ cid: 0x04, name: "DutyCycleAns" }]);
    assert.deepEqual(down.commands, [{ cid: 0x04, name: "DutyCycleReq", maxDutyCycle: 7 }]);
    assert.deepEqual(eventNames(down.events), ["ns.mac.duty_cycle.request"]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.duty_cycle.answer"]);
    assert.equal(up.state.macState.currentParameters?.maxDutyCycle, 7);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Class } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eventNames, exchange, settledState } from "./testing.ts";

function wanting(deviceClass = Class.B) {
  const macState = settledState();
  macState.deviceClass = deviceClass;
  if (macState.desiredParameters) macState.desiredParameters.beaconFrequency = 869_525_000n;
  return macState;
}

describe("BeaconFreqReq", () => {
  for (const frequencyAck of [true, false]) {
    it(frequencyAck ? "acknowledged: applied" : "refused: nothing applied", () => {
      const { down, up } = exchange(wanting(), [
        { cid: 0x13, name: "BeaconFreqAns", frequencyAck },
      ]);
      assert.deepEqual(down.commands, [
        { cid: 0x13, name: "BeaconFreqReq", frequency: 869_525_000 },
      ]);
      assert.deepEqual(eventNames(up.events), [
        frequencyAck ? "ns.mac.beacon_freq.answer.accept" : "ns.mac.beacon_freq.answer.reject",
      ]);
      assert.equal(
        up.state.macState.currentParameters?.beaconFrequency,
        frequencyAck ? 869_525_000n : 0n,
      );
    });
  }

  it("only to class B devices", () => {
    assert.deepEqual(exchange(wanting(Class.A), []).down.commands, []);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eu868, eventNames, exchange, settledState } from "./testing.ts";

describe("RejoinParamSetupReq", () => {
  for (const maxTimeNAck of [true, false]) {
    it(`time periodicity ${maxTimeNAck ? "acknowledged" : "refused"}`, () => {
      const macState = settledState(eu868, MACVersion.MAC_V1_1);
      const desired = macState.desiredParameters;
      assert.ok(desired);
      desired.rejoinTimePeriodicity = 4;
      desired.rejoinCountPeriodicity = 9;
      const { down, up } = exchange(macState, [
        { cid: 0x0f, name: "RejoinParamSetupAns", maxTimeNAck },
      ]);
      assert.deepEqual(down.commands, [
        { cid: 0x0f, name: "RejoinParamSetupReq", maxTimeN: 4, maxCountN: 9 },
      ]);
      assert.deepEqual(eventNames(up.events), ["ns.mac.rejoin_param_setup.answer"]);
      assert.equal(up.state.macState.currentParameters?.rejoinCountPeriodicity, 9);
      assert.equal(up.state.macState.currentParameters?.rejoinTimePeriodicity, maxTimeNAck ? 4 : 0);
    });
  }

  it("is not sent before LoRaWAN 1.1", () => {
    const macState = settledState(eu868, MACVersion.MAC_V1_0_3);
    if (macState.desiredParameters) macState.desiredParameters.rejoinCountPeriodicity = 9;
    assert.deepEqual(exchange(macState, []).down.commands, []);
  });
});

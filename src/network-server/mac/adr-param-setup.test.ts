import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  ADRAckDelayExponentValueSchema,
  ADRAckLimitExponentValueSchema,
  MACVersion,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eu868, eventNames, exchange, settledState } from "./testing.ts";

function wanting(version: MACVersion) {
  const macState = settledState(eu868, version);
  const desired = macState.desiredParameters;
  assert.ok(desired);
  desired.adrAckLimitExponent = create(ADRAckLimitExponentValueSchema, { value: 6 });
  desired.adrAckDelayExponent = create(ADRAckDelayExponentValueSchema, { value: 5 });
  return macState;
}

describe("ADRParamSetupReq", () => {
  it("is LoRaWAN 1.1 only", () => {
    assert.deepEqual(exchange(wanting(MACVersion.MAC_V1_0_4), []).down.commands, []);
  });

  it("asks for the desired exponents and applies them on the answer", () => {
    const { down, up } = exchange(wanting(MACVersion.MAC_V1_1), [
      { cid: 0x0c, name: "ADRParamSetupAns" },
    ]);
    assert.deepEqual(down.commands, [
      { cid: 0x0c, name: "ADRParamSetupReq", limitExp: 6, delayExp: 5 },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.adr_param_setup.answer"]);
    assert.equal(up.state.macState.currentParameters?.adrAckLimitExponent?.value, 6);
    assert.equal(up.state.macState.currentParameters?.adrAckDelayExponent?.value, 5);
  });
});

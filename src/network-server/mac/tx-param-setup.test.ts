import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BoolValueSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { as923, eu868, eventNames, exchange, settledState } from "./testing.ts";
import { maxEirpIndex } from "./tx-param-setup.ts";

function wanting(band = as923) {
  const macState = settledState(band);
  const desired = macState.desiredParameters;
  assert.ok(desired);
  desired.maxEirp = 16;
  desired.uplinkDwellTime = create(BoolValueSchema, { value: true });
  desired.downlinkDwellTime = create(BoolValueSchema, { value: false });
  return macState;
}

describe("TxParamSetupReq", () => {
  it("maps an EIRP to the largest table value not above it", () => {
    assert.equal(maxEirpIndex(16), 5);
    assert.equal(maxEirpIndex(17), 5);
    assert.equal(maxEirpIndex(36), 15);
    assert.equal(maxEirpIndex(2), 0);
  });

  it("is sent in a dwell-time band and applied on the answer", () => {
    const { down, up } = exchange(
      wanting(),
      [{ cid: 0x09, name: "TxParamSetupAns" }],
      { band: as923 },
      { band: as923 },
    );
    assert.deepEqual(down.commands, [
      {
        cid: 0x09,
        name: "TxParamSetupReq",
        maxEirpIndex: 5,
        uplinkDwellTime: true,
        downlinkDwellTime: false,
      },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.tx_param_setup.answer"]);
    const current = up.state.macState.currentParameters;
    assert.equal(current?.maxEirp, 16);
    assert.equal(current?.uplinkDwellTime?.value, true);
    assert.equal(current?.downlinkDwellTime?.value, false);
  });

  it("is not sent in a band without TxParamSetupReq (EU868)", () => {
    assert.deepEqual(exchange(wanting(eu868), []).down.commands, []);
  });
});

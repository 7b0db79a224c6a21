import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  type MACCommandIdentifier,
  MACCommandSchema,
  MACVersion,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { fromStateCommand, pendingRequests, toStateCommand, versionAtLeast } from "./commands.ts";
import { enqueueDownlinkCommands } from "./downlink.ts";
import { downlinkContext, eu868, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("MAC commands in the MAC state", () => {
  it("keeps a command in its wire form and reads it back", () => {
    const request = {
      cid: 0x03,
      name: "LinkADRReq",
      dataRateIndex: 5,
      txPowerIndex: 1,
      chMask: [true, true, true, ...new Array<boolean>(13).fill(false)],
      chMaskCntl: 0,
      nbTrans: 1,
    } as const;
    const stored = toStateCommand(request, "downlink");
    assert.deepEqual(stored.payload, {
      case: "rawPayload",
      value: new Uint8Array([0x51, 0x07, 0x00, 0x01]),
    });
    assert.deepEqual(fromStateCommand(stored, "downlink"), request);
  });

  it("refuses a command of the wrong direction", () => {
    assert.throws(() => toStateCommand({ cid: 0x04, name: "DutyCycleAns" }, "downlink"));
  });

  it("leaves out stored commands that cannot be read, without failing", () => {
    const macState = settledState();
    macState.pendingRequests = [
      create(MACCommandSchema, {
        cid: 0x03,
        payload: { case: "rawPayload", value: new Uint8Array([1]) },
      }),
      create(MACCommandSchema, { cid: 0x55 as MACCommandIdentifier }),
      toStateCommand({ cid: 0x06, name: "DevStatusReq" }, "downlink"),
    ];
    assert.deepEqual(pendingRequests(macState), [{ cid: 0x06, name: "DevStatusReq" }]);
    macState.queuedResponses = [create(MACCommandSchema, { cid: 0x02 })];
    const down = enqueueDownlinkCommands({ macState }, { downlink: 15 }, downlinkContext());
    assert.deepEqual(down.commands, []);
    const up = handleUplinkCommands(
      { macState },
      [{ cid: 0x06, name: "DevStatusAns", battery: 10, margin: 3 }],
      uplinkContext(),
    );
    assert.equal(up.effects.devStatus?.downlinkMargin, 3);
  });

  it("orders versions by release, not by enum number", () => {
    const state = settledState(eu868, MACVersion.MAC_V1_0_3);
    assert.equal(versionAtLeast(state, MACVersion.MAC_V1_0_2), true);
    assert.equal(versionAtLeast(state, MACVersion.MAC_V1_1), false);
    state.lorawanVersion = MACVersion.MAC_V1_1;
    assert.equal(versionAtLeast(state, MACVersion.MAC_V1_0_4), true);
  });

  it("never changes the state it is given", () => {
    const macState = settledState();
    if (macState.desiredParameters) macState.desiredParameters.maxDutyCycle = 4;
    const before = structuredClone(macState);
    const down = enqueueDownlinkCommands({ macState }, { downlink: 15 }, downlinkContext());
    handleUplinkCommands(down.state, [{ cid: 0x04, name: "DutyCycleAns" }], uplinkContext());
    assert.deepEqual(macState, before);
    assert.equal(down.state.macState.pendingRequests.length, 1);
  });
});

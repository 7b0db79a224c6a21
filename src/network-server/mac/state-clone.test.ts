import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  EndDeviceSchema,
  MACState_UplinkMessageSchema,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { cloneDevice, cloneMacState } from "./state-clone.ts";

const recent = (deviceChannelIndex: number) =>
  create(MACState_UplinkMessageSchema, { deviceChannelIndex, correlationIds: ["ns:uplink:1"] });

const macState = () =>
  create(MACStateSchema, {
    currentParameters: { adrDataRateIndex: 2 },
    pendingRequests: [{ cid: 3 }],
    recentUplinks: [recent(1), recent(2)],
  });

describe("MAC state copies", () => {
  it("copy everything deeply but share the recent uplink records in a list of their own", () => {
    const state = macState();
    const copy = cloneMacState(state);
    assert.notEqual(copy, state);
    assert.notEqual(copy.currentParameters, state.currentParameters);
    assert.notEqual(copy.pendingRequests, state.pendingRequests);
    assert.notEqual(copy.recentUplinks, state.recentUplinks);
    assert.equal(copy.recentUplinks[0], state.recentUplinks[0]);
    assert.equal(copy.recentUplinks.length, 2);
    // Changes to the copy leave the original as it was.
    (copy.currentParameters as { adrDataRateIndex: number }).adrDataRateIndex = 5;
    copy.pendingRequests.splice(0, 1);
    copy.recentUplinks.push(recent(3));
    copy.recentUplinks.splice(0, 1);
    assert.equal(state.currentParameters?.adrDataRateIndex, 2);
    assert.equal(state.pendingRequests.length, 1);
    assert.equal(copy.pendingRequests.length, 0);
    assert.deepEqual(
      state.recentUplinks.map((up) => up.deviceChannelIndex),
      [1, 2],
    );
  });

  it("copy a device with both MAC states, each with its own list", () => {
    const device = create(EndDeviceSchema, {
      ids: { deviceId: "dev" },
      macState: macState(),
      pendingMacState: create(MACStateSchema, { recentUplinks: [recent(7)] }),
    });
    const copy = cloneDevice(device);
    assert.notEqual(copy.macState, device.macState);
    assert.deepEqual(
      copy.macState?.recentUplinks.map((up) => up.deviceChannelIndex),
      [1, 2],
    );
    assert.deepEqual(
      copy.pendingMacState?.recentUplinks.map((up) => up.deviceChannelIndex),
      [7],
    );
    assert.equal(copy.pendingMacState?.recentUplinks[0], device.pendingMacState?.recentUplinks[0]);
    copy.macState?.recentUplinks.push(recent(9));
    assert.equal(device.macState?.recentUplinks.length, 2);
    assert.equal(device.pendingMacState?.recentUplinks.length, 1);
  });

  it("copy a device without MAC state", () => {
    const device = create(EndDeviceSchema, { ids: { deviceId: "dev" } });
    const copy = cloneDevice(device);
    assert.equal(copy.macState, undefined);
    assert.equal(copy.ids?.deviceId, "dev");
  });
});

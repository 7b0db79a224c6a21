import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PowerState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { batteryOf, needsDevStatus } from "./dev-status.ts";
import { at, downlinkContext } from "./testing.ts";

describe("DevStatus", () => {
  const rows = [
    { battery: 0, powerState: PowerState.POWER_EXTERNAL, batteryPercentage: undefined },
    { battery: 1, powerState: PowerState.POWER_BATTERY, batteryPercentage: 0 },
    { battery: 254, powerState: PowerState.POWER_BATTERY, batteryPercentage: 1 },
    { battery: 255, powerState: PowerState.POWER_UNKNOWN, batteryPercentage: undefined },
  ];
  for (const row of rows) {
    it(`battery byte ${row.battery}`, () => {
      assert.deepEqual(batteryOf(row.battery), {
        powerState: row.powerState,
        batteryPercentage: row.batteryPercentage,
      });
    });
  }

  it("is never asked of a multicast device", () => {
    assert.equal(
      needsDevStatus(0, downlinkContext({ multicast: true, lastDevStatusReceivedAt: undefined })),
      false,
    );
    assert.equal(needsDevStatus(0, downlinkContext({ lastDevStatusReceivedAt: undefined })), true);
    assert.equal(needsDevStatus(0, downlinkContext({ lastDevStatusReceivedAt: at })), false);
  });
});

import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { MACSettingsSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { effectiveMacSettings } from "./mac-settings.ts";

it("takes the device's own MAC settings over the defaults, field by field", () => {
  const defaults = create(MACSettingsSchema, {
    statusCountPeriodicity: 200,
    supports32BitFCnt: { value: true },
    rx1Delay: { value: 1 },
  });
  const own = create(MACSettingsSchema, {
    supports32BitFCnt: { value: false },
    resetsFCnt: { value: true },
  });
  const merged = effectiveMacSettings(defaults, own);
  assert.equal(merged.statusCountPeriodicity, 200);
  assert.equal(merged.supports32BitFCnt?.value, false);
  assert.equal(merged.resetsFCnt?.value, true);
  assert.equal(merged.rx1Delay?.value, 1);
  assert.equal(defaults.supports32BitFCnt?.value, true, "the defaults are not changed");
  assert.equal(effectiveMacSettings(defaults, undefined), defaults);
});

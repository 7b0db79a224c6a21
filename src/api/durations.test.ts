import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBinary, toJson } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { durationFromMicroseconds } from "./durations.ts";

describe("durationFromMicroseconds", () => {
  it("splits whole microseconds into seconds and integer nanos", () => {
    const d = durationFromMicroseconds(1_234_567);
    assert.equal(d.seconds, 1n);
    assert.equal(d.nanos, 234_567_000);
    assert.equal(toJson(DurationSchema, d), "1.234567s");
  });

  it("rounds fractional microseconds (a performance.now() difference) so every encoder accepts it", () => {
    // 32.904 ms split in float milliseconds gave nanos 32904000.000000004.
    for (const us of [32_904, 32_904.2, 64_808, 1234.5678, 0.4, 987_654_321.9, 2 ** 40 + 0.5]) {
      const d = durationFromMicroseconds(us);
      assert.ok(Number.isInteger(d.nanos), `${us}: nanos ${d.nanos}`);
      assert.doesNotThrow(() => toJson(DurationSchema, d));
      assert.doesNotThrow(() => toBinary(DurationSchema, d));
    }
  });

  it("keeps the sign of negative durations on both parts", () => {
    const d = durationFromMicroseconds(-1_500_000);
    assert.equal(d.seconds, -1n);
    assert.equal(d.nanos, -500_000_000);
    assert.equal(toJson(DurationSchema, d), "-1.500s");
    assert.equal(durationFromMicroseconds(0).nanos, 0);
  });
});

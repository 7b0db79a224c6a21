import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deviceHealth } from "./device-health.ts";

const now = Date.parse("2026-12-06T12:00:00Z");
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

describe("device health", () => {
  it("counts devices by when they were last seen: hour, day, longer, never", () => {
    assert.deepEqual(
      deviceHealth(
        [
          { lastSeen: [ago(1), ago(59), ago(61), ago(23 * 60), ago(25 * 60), undefined], total: 6 },
          { lastSeen: [ago(5)], total: 1 },
        ],
        now,
      ),
      { hour: 3, day: 2, older: 1, never: 1, uncounted: 0 },
    );
  });

  it("past a page ending with a never-seen device, every device was never seen", () => {
    assert.deepEqual(deviceHealth([{ lastSeen: [ago(1), undefined], total: 50 }], now), {
      hour: 1,
      day: 0,
      older: 0,
      never: 49,
      uncounted: 0,
    });
  });

  it("past a page of seen devices, the rest are not counted", () => {
    assert.deepEqual(deviceHealth([{ lastSeen: [ago(1), ago(2)], total: 10 }], now), {
      hour: 2,
      day: 0,
      older: 0,
      never: 0,
      uncounted: 8,
    });
    assert.deepEqual(deviceHealth([], now), { hour: 0, day: 0, older: 0, never: 0, uncounted: 0 });
  });

  it("an unreadable time is as never seen", () => {
    assert.equal(deviceHealth([{ lastSeen: ["yesterday"], total: 1 }], now).never, 1);
  });
});

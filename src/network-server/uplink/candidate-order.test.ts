import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { lastActivityMs, orderCandidates } from "./candidate-order.ts";
import { device, joinRequestUplink } from "./testing.ts";

const T = Date.UTC(2026, 0, 1);

describe("orderCandidates", () => {
  it("puts the most recently active first and keeps the order of ties", () => {
    const never = device({ ids: { deviceId: "never" } });
    const session = device({
      ids: { deviceId: "session" },
      session: { startedAt: timestampFromMs(T) },
    });
    const joined = device({
      ids: { deviceId: "joined" },
      pendingMacState: { recentUplinks: [joinRequestUplink(T + 5_000)] },
    });
    const never2 = device({ ids: { deviceId: "never2" } });
    const ids = orderCandidates([never, session, never2, joined]).map((d) => d.ids?.deviceId);
    assert.deepEqual(ids, ["joined", "session", "never", "never2"]);
  });
  it("reads the latest recent uplink", () => {
    const d = device({
      macState: { recentUplinks: [joinRequestUplink(T), joinRequestUplink(T + 7)] },
    });
    assert.equal(lastActivityMs(d), T + 7);
    assert.equal(lastActivityMs(device({})), Number.NEGATIVE_INFINITY);
  });
});

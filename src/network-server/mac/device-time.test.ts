import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromStateCommand } from "./commands.ts";
import { gpsTime } from "./device-time.ts";
import { eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("DeviceTimeReq", () => {
  const rows = [
    { name: "the GPS epoch", at: "1980-01-06T00:00:00Z", seconds: 0, fraction: 0 },
    {
      name: "before the first leap second",
      at: "1981-06-30T00:00:00Z",
      seconds: 46_742_400,
      fraction: 0,
    },
    // 2026-12-05T12:00:00.5Z: 1,480,507,200 s since the epoch in UTC (541 days to mid-1981 checked by hand, this one with Python datetime), plus 18 leap seconds.
    {
      name: "now, 18 leap seconds, half a second",
      at: "2026-12-05T12:00:00.500Z",
      seconds: 1_480_507_218,
      fraction: 128,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(gpsTime(new Date(row.at)), {
        gpsSeconds: row.seconds,
        fractionalSecond: row.fraction,
      });
    });
  }

  it("is answered with the GPS time of the reception", () => {
    const receivedAt = new Date("2026-12-05T12:00:00.500Z");
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x0d, name: "DeviceTimeReq" }],
      uplinkContext({ receivedAt }),
    );
    assert.deepEqual(eventNames(up.events), [
      "ns.mac.device_time.request",
      "ns.mac.device_time.answer",
    ]);
    const queued = up.state.macState.queuedResponses[0];
    assert.ok(queued);
    assert.deepEqual(fromStateCommand(queued, "downlink"), {
      cid: 0x0d,
      name: "DeviceTimeAns",
      gpsSeconds: 1_480_507_218,
      fractionalSecond: 128,
    });
  });
});

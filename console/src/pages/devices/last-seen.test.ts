import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lastSeenOf, signalPoints } from "./last-seen.ts";

describe("recent uplinks", () => {
  const uplinks = [
    {
      received_at: "2026-12-06T10:00:05Z",
      rx_metadata: [
        { channel_rssi: -110, snr: -3 },
        { channel_rssi: -90, snr: 2.5 },
      ],
    },
    { received_at: "2026-12-06T10:00:00Z", rx_metadata: [{ rssi: -100 }] },
    { rx_metadata: [{ channel_rssi: -50 }] },
  ];

  it("last seen is the newest uplink's time; none without uplinks", () => {
    assert.equal(lastSeenOf(uplinks), "2026-12-06T10:00:05Z");
    assert.equal(lastSeenOf([]), undefined);
    assert.equal(lastSeenOf(undefined), undefined);
  });

  it("charts the best gateway's RSSI and SNR per uplink, oldest first, skipping untimed ones", () => {
    const points = signalPoints(uplinks);
    assert.deepEqual(
      points.map(({ rssi, snr }) => ({ rssi, snr })),
      [
        { rssi: -100, snr: null },
        { rssi: -90, snr: 2.5 },
      ],
    );
    assert.ok(points[0] && points[1] && points[0].time < points[1].time);
  });
});

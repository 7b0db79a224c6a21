/// <reference types="node" />
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  antennasFor,
  connectionState,
  coordinateError,
  durationMs,
  formatMs,
  formatUptime,
  idError,
  normalizeEui,
  signalOf,
  uplinksPerHour,
} from "./gateway.ts";

describe("gateway helpers", () => {
  it("tells connected from disconnected", () => {
    assert.equal(connectionState(undefined), "never");
    assert.equal(connectionState({ connected_at: "2026-12-06T10:00:00Z" }), "connected");
    assert.equal(
      connectionState({
        connected_at: "2026-12-06T10:00:00Z",
        disconnected_at: "2026-12-06T11:00:00Z",
      }),
      "disconnected",
    );
    assert.equal(
      connectionState({
        connected_at: "2026-12-06T12:00:00Z",
        disconnected_at: "2026-12-06T11:00:00Z",
      }),
      "connected",
    );
  });

  it("reads protobuf durations", () => {
    assert.equal(durationMs("0.012s"), 12);
    assert.equal(durationMs("3s"), 3000);
    assert.equal(durationMs("12ms"), undefined);
    assert.equal(durationMs(5), undefined);
    assert.equal(formatMs(12), "12 ms");
    assert.equal(formatMs(1.25), "1.3 ms");
    assert.equal(formatMs(1500), "1.50 s");
    assert.equal(formatUptime(3 * 3600_000 + 5 * 60_000), "3 h 5 min");
  });

  it("averages uplinks per hour over the connection", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    const stats = { connected_at: "2026-12-06T10:00:00Z", uplink_count: "120" };
    assert.equal(uplinksPerHour(stats, now), 60);
    assert.equal(uplinksPerHour({ connected_at: "2026-12-06T11:59:30Z" }, now), undefined);
  });

  it("finds this gateway's RSSI and SNR in an uplink event", () => {
    const event = {
      name: "gs.up.receive",
      time: "2026-12-06T12:00:00Z",
      data: {
        message: {
          rx_metadata: [
            { gateway_ids: { gateway_id: "other" }, rssi: -50, snr: 9 },
            { gateway_ids: { gateway_id: "gw1" }, rssi: -101, snr: -3.5 },
          ],
        },
      },
    };
    assert.deepEqual(signalOf(event, "gw1"), {
      time: Date.parse("2026-12-06T12:00:00Z"),
      rssi: -101,
      snr: -3.5,
    });
    assert.equal(signalOf(event, "gw2"), undefined);
    assert.equal(signalOf({ ...event, name: "gs.status.receive" }, "gw1"), undefined);
    assert.equal(signalOf({ ...event, data: { message: { rx_metadata: "x" } } }, "gw1"), undefined);
  });

  it("validates registration input", () => {
    assert.equal(idError("gw-1"), null);
    assert.notEqual(idError("GW"), null);
    assert.notEqual(idError("a--b"), null);
    assert.equal(normalizeEui("00-80-00-00-a0-00-0f-4d"), "00800000A0000F4D");
    assert.equal(normalizeEui("1234"), null);
    assert.equal(coordinateError("", -90, 90), null);
    assert.notEqual(coordinateError("91", -90, 90), null);
    assert.notEqual(coordinateError("abc", -90, 90), null);
    assert.deepEqual(antennasFor("", "4", ""), []);
    assert.deepEqual(antennasFor("52.1", "4.3", "12.4"), [
      { location: { latitude: 52.1, longitude: 4.3, altitude: 12, source: "SOURCE_REGISTRY" } },
    ]);
  });
});

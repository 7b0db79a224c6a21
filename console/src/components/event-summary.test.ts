import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StreamEvent } from "../api/events";
import { dataRateText, eventEntity, eventSummary } from "./event-summary.ts";

const deviceIds = {
  device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
};

function event(name: string, data: Record<string, unknown>): StreamEvent {
  return { name, time: "2026-12-06T10:00:00Z", identifiers: [deviceIds], data };
}

describe("eventSummary", () => {
  it("summarises an application uplink: FCnt, FPort, best RSSI/SNR, gateways, data rate", () => {
    const uplink = event("as.up.data.forward", {
      "@type": "type.googleapis.com/ttn.lorawan.v3.ApplicationUp",
      uplink_message: {
        f_cnt: 42,
        f_port: 1,
        rx_metadata: [
          { gateway_ids: { gateway_id: "gw1" }, rssi: -110, snr: -3.5 },
          { gateway_ids: { gateway_id: "gw2" }, rssi: -71, snr: 9.25 },
        ],
        settings: { data_rate: { lora: { spreading_factor: 7, bandwidth: 125000 } } },
      },
    });
    assert.equal(
      eventSummary(uplink),
      "FCnt 42 · FPort 1 · RSSI -71 dBm · SNR 9.25 dB · 2 gateways · SF7BW125",
    );
    assert.equal(eventEntity(uplink), "dev1");
  });

  it("summarises a gateway's received uplink and a join accept", () => {
    assert.equal(
      eventSummary(
        event("gs.up.receive", {
          message: {
            raw_payload: "QAEAAAAAAQAB",
            rx_metadata: [{ rssi: -90, channel_rssi: -90, snr: 5 }],
            settings: { data_rate: { lora: { spreading_factor: 12, bandwidth: 125000 } } },
          },
        }),
      ),
      "RSSI -90 dBm · SNR 5 dB · SF12BW125",
    );
    assert.equal(
      eventSummary(event("as.up.join.forward", { join_accept: { dev_addr: "260B1234" } })),
      "DevAddr 260B1234 · join accepted",
    );
  });

  it("summarises downlinks and gateway status", () => {
    assert.equal(
      eventSummary(
        event("as.down.data.forward", {
          downlink_queued: { f_port: 2, f_cnt: 3, confirmed: true },
        }),
      ),
      "FCnt 3 · FPort 2 · confirmed",
    );
    assert.equal(
      eventSummary(event("gs.status.receive", { metrics: { rxin: 10, rxok: 8 } })),
      "10 received · 8 valid",
    );
  });

  it("says nothing for events without data or with data it does not know", () => {
    assert.equal(eventSummary({ name: "gs.gateway.connect", time: "" }), undefined);
    assert.equal(eventSummary(event("x", { unknown: true })), undefined);
    assert.equal(eventSummary(event("x", { uplink_message: "garbage" })), undefined);
  });
});

describe("dataRateText", () => {
  it("names LoRa, FSK and LR-FHSS rates", () => {
    assert.equal(dataRateText({ lora: { spreading_factor: 9, bandwidth: 250000 } }), "SF9BW250");
    assert.equal(dataRateText({ fsk: { bit_rate: 50000 } }), "FSK 50 kbit/s");
    assert.equal(dataRateText({ lrfhss: { modulation_type: 0 } }), "LR-FHSS");
    assert.equal(dataRateText(undefined), undefined);
    assert.equal(dataRateText({ lora: {} }), undefined);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import {
  decodeGatewayDatagram,
  encodePullResp,
  type PushData,
  type TX_ACK_ERRORS,
} from "../../../gateway-protocols/semtech-udp/index.ts";
import { TxSettingsSchema } from "../../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { TxAcknowledgment_Result } from "../../../gen/ttn/lorawan/v3/messages_pb.js";
import {
  statusFromStat,
  txAckResults,
  txLutPower,
  txpkFromSettings,
  uplinkFromRxpk,
} from "./translate.ts";

function pushData(json: unknown): PushData {
  const datagram = Buffer.concat([
    Buffer.from([2, 0, 1, 0]),
    Buffer.from("AA555A0000000101", "hex"),
    Buffer.from(JSON.stringify(json)),
  ]);
  const packet = decodeGatewayDatagram(datagram);
  assert.equal(packet.type, "push_data");
  return packet as PushData;
}

describe("Semtech UDP ↔ TTS messages", () => {
  it("reads an sx1302 rxpk with rsig, rssis, foff and GPS times into per-antenna metadata", () => {
    const [rxpk] = pushData({
      rxpk: [
        {
          jver: 1,
          tmst: 3_512_348_611,
          tmms: 1_386_000_000_123,
          time: "2023-12-05T10:00:00.123456Z",
          chan: 2,
          rfch: 0,
          freq: 868.5,
          mid: 8,
          stat: 1,
          modu: "LORA",
          datr: "SF9BW125",
          codr: "4/7",
          rssis: -63,
          lsnr: 11.2,
          foff: -290,
          rssi: -58,
          size: 2,
          data: "QAE=",
          rsig: [
            { ant: 0, chan: 2, rssic: -58, rssis: -63, lsnr: 11.2, foff: -290 },
            { ant: 1, chan: 2, rssic: -80, lsnr: 1.5, etime: "AAECAw==" },
          ],
        },
      ],
    }).rxpk;
    assert.ok(rxpk);
    const { uplink, clock } = uplinkFromRxpk(rxpk, 123_456);
    assert.deepEqual(clock, {
      timestamp: 3_512_348_611,
      serverUs: 123_456,
      gpsTimeUs: 1_386_000_000_123_000,
    });
    assert.equal(uplink.settings?.frequency, 868_500_000n);
    assert.equal(uplink.settings?.timestamp, 3_512_348_611);
    const lora = uplink.settings?.dataRate?.modulation;
    assert.equal(lora?.case === "lora" && lora.value.codingRate, "4/7");
    assert.equal(uplink.crcStatus, true);
    assert.equal(uplink.rxMetadata.length, 2);
    const [first, second] = uplink.rxMetadata;
    assert.equal(first?.antennaIndex, 0);
    assert.equal(first?.channelIndex, 2);
    assert.equal(first?.rssi, -58);
    assert.equal(first?.signalRssi, -63);
    assert.equal(first?.frequencyOffset, -290n);
    assert.equal(first?.timestamp, 3_512_348_611);
    assert.equal(
      timestampMs(first?.time ?? ({ seconds: 0n, nanos: 0 } as never)),
      Date.UTC(2023, 11, 5, 10, 0, 0, 123),
    );
    // tmms counts from 1980-01-06 and runs 18 s ahead of UTC.
    assert.equal(
      timestampMs(first?.gpsTime as never),
      Date.UTC(1980, 0, 6) + 1_386_000_000_123 - 18_000,
    );
    assert.equal(second?.antennaIndex, 1);
    assert.equal(second?.rssi, -80);
    assert.equal(second?.snr, 1.5);
    assert.deepEqual([...(second?.encryptedFineTimestamp ?? [])], [0, 1, 2, 3]);
  });

  it("reads the real forwarder's rxpk (no time, no GPS) into one metadata, CRC failures marked", () => {
    const [rxpk] = pushData({
      rxpk: [
        {
          tmst: 4_291_480_678,
          chan: 0,
          rfch: 1,
          freq: 868.1,
          stat: -1,
          modu: "LORA",
          datr: "SF7BW125",
          codr: "4/5",
          lsnr: 7.5,
          rssi: -57,
          size: 1,
          data: "QA==",
        },
      ],
    }).rxpk;
    assert.ok(rxpk);
    const { uplink, clock } = uplinkFromRxpk(rxpk, 1);
    assert.equal(clock && "timestamp" in clock && clock.gpsTimeUs, undefined);
    assert.equal(uplink.rxMetadata.length, 1);
    assert.equal(uplink.rxMetadata[0]?.channelRssi, -57);
    assert.equal(uplink.rxMetadata[0]?.time, undefined);
    assert.equal(uplink.crcStatus, false);
  });

  it("reads stat into a GatewayStatus with TTS's metrics and versions and the GPS location", () => {
    const { stat } = pushData({
      stat: {
        time: "2026-12-05 05:19:03 GMT",
        lati: 46.24,
        long: 3.2523,
        alti: 145,
        rxnb: 2,
        rxok: 2,
        rxfw: 2,
        ackr: 100.0,
        dwnb: 2,
        txnb: 1,
        pfrm: "SX1301",
        hal: "5.0.1",
      },
    });
    assert.ok(stat);
    const status = statusFromStat(stat, "192.0.2.1");
    assert.equal(timestampMs(status.time as never), Date.UTC(2026, 11, 5, 5, 19, 3));
    assert.deepEqual(status.metrics, { rxin: 2, rxok: 2, rxfw: 2, ackr: 100, txin: 2, txok: 1 });
    assert.deepEqual(status.versions, { hal: "5.0.1", pfrm: "SX1301" });
    assert.equal(status.antennaLocations[0]?.latitude, 46.24);
    assert.equal(status.antennaLocations[0]?.altitude, 145);
    assert.deepEqual(status.ip, ["192.0.2.1"]);
    const noFix = statusFromStat({ ...stat, latitude: 0, longitude: 0 }, "192.0.2.1");
    assert.equal(noFix.antennaLocations.length, 0, "0,0 is no GPS fix");
  });

  it("maps every txpk_ack error to TTS's result", () => {
    const names: (typeof TX_ACK_ERRORS)[number][] = [
      "TOO_LATE",
      "TOO_EARLY",
      "TX_FREQ",
      "TX_POWER",
      "GPS_UNLOCKED",
      "COLLISION_PACKET",
      "COLLISION_BEACON",
    ];
    for (const name of names)
      assert.equal(
        txAckResults[name],
        TxAcknowledgment_Result[name as keyof typeof TxAcknowledgment_Result],
      );
    assert.equal(txAckResults.NONE, TxAcknowledgment_Result.SUCCESS);
    assert.equal(txAckResults.UNKNOWN, TxAcknowledgment_Result.UNKNOWN_ERROR);
  });

  it("writes a txpk lora_pkt_fwd accepts: tmst, power from its tx_lut, ipol, no CRC", () => {
    assert.equal(txLutPower(16.15), 16);
    assert.equal(txLutPower(29.15), 27);
    assert.equal(txLutPower(15), 14);
    assert.equal(txLutPower(-20), -6);
    const settings = create(TxSettingsSchema, {
      frequency: 869_525_000n,
      timestamp: 1_513_472,
      dataRate: {
        modulation: {
          case: "lora",
          value: { spreadingFactor: 9, bandwidth: 125_000, codingRate: "4/5" },
        },
      },
      downlink: { txPower: 29.15, invertPolarization: true },
    });
    const datagram = encodePullResp(1, txpkFromSettings(settings, Uint8Array.from([0x20, 1, 2])));
    const { txpk } = JSON.parse(Buffer.from(datagram.subarray(4)).toString()) as {
      txpk: Record<string, unknown>;
    };
    assert.deepEqual(txpk, {
      imme: false,
      tmst: 1_513_472,
      freq: 869.525,
      rfch: 0,
      powe: 27,
      modu: "LORA",
      datr: "SF9BW125",
      codr: "4/5",
      ipol: true,
      size: 3,
      data: "IAEC",
      ncrc: true,
    });
  });
});

/**
 * Pins the gateway traffic messages of our API definitions to The Things Stack's: every field's
 * number, name and type, from tables written here from TTS's public definitions, so that an
 * edit of api/ cannot silently renumber, rename or retype what peers and scripts rely on. Then
 * reads TTS's documented JSON of an uplink and of connection stats into our messages.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { messageFromJson, messageToJson } from "../api/rest/json.ts";
import {
  GatewayConnectionStatsSchema,
  GatewayStatusSchema,
} from "../gen/ttn/lorawan/v3/gateway_pb.js";
import { TxRequestSchema, TxSettingsSchema } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  DownlinkMessageSchema,
  TxAcknowledgment_Result,
  TxAcknowledgmentSchema,
  UplinkMessageSchema,
} from "../gen/ttn/lorawan/v3/messages_pb.js";
import { RxMetadataSchema } from "../gen/ttn/lorawan/v3/metadata_pb.js";

function fieldLine(field: DescField): string {
  const element = (kind: "scalar" | "enum" | "message"): string => {
    if (kind === "scalar") return ScalarType[field.scalar as ScalarType].toLowerCase();
    const name = (kind === "enum" ? field.enum : field.message)?.typeName ?? "";
    return name.replace(/^ttn\.lorawan\.v3\./, "");
  };
  switch (field.fieldKind) {
    case "list":
      return `${field.number} ${field.name} repeated ${element(field.listKind)}`;
    case "map":
      return `${field.number} ${field.name} map<${ScalarType[field.mapKey].toLowerCase()}, ${element(field.mapKind)}>`;
    default:
      return `${field.number} ${field.name} ${element(field.fieldKind)}`;
  }
}

function fieldsOf(message: DescMessage): string[] {
  return [...message.fields].sort((a, b) => a.number - b.number).map(fieldLine);
}

const shapes: [DescMessage, string[]][] = [
  [
    UplinkMessageSchema,
    [
      "1 raw_payload bytes",
      "2 payload Message",
      "4 settings TxSettings",
      "5 rx_metadata repeated RxMetadata",
      "6 received_at google.protobuf.Timestamp",
      "7 correlation_ids repeated string",
      "9 device_channel_index uint32",
      "10 consumed_airtime google.protobuf.Duration",
      "11 crc_status google.protobuf.BoolValue",
    ],
  ],
  [
    RxMetadataSchema,
    [
      "1 gateway_ids GatewayIdentifiers",
      "2 antenna_index uint32",
      "3 time google.protobuf.Timestamp",
      "4 timestamp uint32",
      "5 fine_timestamp uint64",
      "6 encrypted_fine_timestamp bytes",
      "7 encrypted_fine_timestamp_key_id string",
      "8 rssi float",
      "9 channel_rssi float",
      "10 rssi_standard_deviation float",
      "11 snr float",
      "12 frequency_offset int64",
      "13 location Location",
      "14 downlink_path_constraint DownlinkPathConstraint",
      "15 uplink_token bytes",
      "16 signal_rssi google.protobuf.FloatValue",
      "17 channel_index uint32",
      "18 packet_broker PacketBrokerMetadata",
      "19 hopping_width uint32",
      "20 frequency_drift int32",
      "21 gps_time google.protobuf.Timestamp",
      "22 received_at google.protobuf.Timestamp",
      "99 advanced google.protobuf.Struct",
    ],
  ],
  [
    TxSettingsSchema,
    [
      "1 data_rate DataRate",
      "4 frequency uint64",
      "5 enable_crc bool",
      "6 timestamp uint32",
      "7 time google.protobuf.Timestamp",
      "8 downlink TxSettings.Downlink",
      "9 concentrator_timestamp int64",
    ],
  ],
  [
    TxRequestSchema,
    [
      "1 class Class",
      "2 downlink_paths repeated DownlinkPath",
      "3 rx1_delay RxDelay",
      "5 rx1_frequency uint64",
      "7 rx2_frequency uint64",
      "8 priority TxSchedulePriority",
      "9 absolute_time google.protobuf.Timestamp",
      "10 frequency_plan_id string",
      "12 rx1_data_rate DataRate",
      "13 rx2_data_rate DataRate",
      "14 rx2_mic bytes",
      "99 advanced google.protobuf.Struct",
    ],
  ],
  [
    DownlinkMessageSchema,
    [
      "1 raw_payload bytes",
      "2 payload Message",
      "3 end_device_ids EndDeviceIdentifiers",
      "4 request TxRequest",
      "5 scheduled TxSettings",
      "6 correlation_ids repeated string",
      "7 session_key_id bytes",
    ],
  ],
  [
    GatewayStatusSchema,
    [
      "1 time google.protobuf.Timestamp",
      "2 boot_time google.protobuf.Timestamp",
      "3 versions map<string, string>",
      "4 antenna_locations repeated Location",
      "5 ip repeated string",
      "6 metrics map<string, float>",
      "99 advanced google.protobuf.Struct",
    ],
  ],
  [
    GatewayConnectionStatsSchema,
    [
      "1 connected_at google.protobuf.Timestamp",
      "2 protocol string",
      "3 last_status_received_at google.protobuf.Timestamp",
      "4 last_status GatewayStatus",
      "5 last_uplink_received_at google.protobuf.Timestamp",
      "6 uplink_count uint64",
      "7 last_downlink_received_at google.protobuf.Timestamp",
      "8 downlink_count uint64",
      "9 round_trip_times GatewayConnectionStats.RoundTripTimes",
      "10 sub_bands repeated GatewayConnectionStats.SubBand",
      "11 disconnected_at google.protobuf.Timestamp",
      "12 gateway_remote_address GatewayRemoteAddress",
      "13 last_tx_acknowledgment_received_at google.protobuf.Timestamp",
      "14 tx_acknowledgment_count uint64",
      // lorastack's addition, numbered far above TTS's fields (JSON readers of TTS ignore it).
      "100 hourly_traffic repeated GatewayConnectionStats.HourlyTraffic",
    ],
  ],
];

describe("gateway traffic messages", () => {
  for (const [schema, expected] of shapes) {
    it(`${schema.name} has The Things Stack's fields`, () => {
      assert.deepEqual(fieldsOf(schema), expected);
    });
  }

  it("TxAcknowledgment.Result has The Things Stack's values", () => {
    assert.deepEqual(
      Object.entries(TxAcknowledgment_Result).filter(([name]) => Number.isNaN(Number(name))),
      [
        ["SUCCESS", 0],
        ["UNKNOWN_ERROR", 1],
        ["TOO_LATE", 2],
        ["TOO_EARLY", 3],
        ["COLLISION_PACKET", 4],
        ["COLLISION_BEACON", 5],
        ["TX_FREQ", 6],
        ["TX_POWER", 7],
        ["GPS_UNLOCKED", 8],
      ],
    );
  });

  it("reads an uplink as The Things Stack documents it (gs.up.receive data)", () => {
    // The shape of TTS's documented uplink JSON: EUI in hex, uplink token and payload in base64,
    // frequency as a string, and the old `coding_rate` of settings (no longer a field: ignored).
    const unknown: string[] = [];
    const uplink = messageFromJson(
      UplinkMessageSchema,
      {
        raw_payload: "QK4TASaAAQABWl7ZJw==",
        settings: {
          data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: "4/5" } },
          coding_rate: "4/5",
          frequency: "868500000",
          timestamp: 2463457000,
          time: "2020-02-12T15:15:45.787Z",
        },
        rx_metadata: [
          {
            gateway_ids: { gateway_id: "gtw1", eui: "9C5C8E00001A05C4" },
            time: "2020-02-12T15:15:45.787Z",
            timestamp: 2463457000,
            rssi: -35,
            channel_rssi: -35,
            snr: 8,
            location: { latitude: 52.1, longitude: 5.1, altitude: 12, source: "SOURCE_REGISTRY" },
            uplink_token: "ChIKEAoEZ3R3MRIInFyOAAAaBcQQ6LOXlwk=",
            channel_index: 2,
            received_at: "2020-02-12T15:15:45.790Z",
          },
        ],
        received_at: "2020-02-12T15:15:45.790Z",
        correlation_ids: [
          "gs:conn:01E0WCTVN9YJ0GY6SKYSNWSCPB",
          "gs:uplink:01E0WCTWF1S1HC9MH60K8NG3GH",
        ],
      },
      { onUnknownField: (path) => unknown.push(path) },
    );
    assert.deepEqual(unknown, ["settings.coding_rate"]);
    assert.equal(uplink.settings?.frequency, 868_500_000n);
    assert.equal(uplink.settings?.timestamp, 2463457000);
    const lora = uplink.settings?.dataRate?.modulation;
    assert.equal(lora?.case, "lora");
    assert.equal(lora?.value.spreadingFactor, 7);
    const [rx] = uplink.rxMetadata;
    assert.equal(rx?.gatewayIds?.gatewayId, "gtw1");
    assert.deepEqual(rx?.gatewayIds?.eui, Uint8Array.from(Buffer.from("9C5C8E00001A05C4", "hex")));
    assert.equal(rx?.channelRssi, -35);
    assert.equal(rx?.channelIndex, 2);
    assert.equal(rx?.uplinkToken.length, 26);
    assert.equal(uplink.correlationIds.length, 2);
    // And writes it back in TTS's form.
    const written = messageToJson(UplinkMessageSchema, uplink) as Record<string, unknown>;
    const writtenRx = (written.rx_metadata as Record<string, unknown>[])[0];
    assert.deepEqual(writtenRx?.gateway_ids, { gateway_id: "gtw1", eui: "9C5C8E00001A05C4" });
    assert.equal((written.settings as Record<string, unknown>).frequency, "868500000");
  });

  it("reads connection stats and TX acknowledgments as The Things Stack writes them", () => {
    const stats = messageFromJson(GatewayConnectionStatsSchema, {
      connected_at: "2024-01-02T10:00:00Z",
      protocol: "udp",
      last_uplink_received_at: "2024-01-02T10:01:00Z",
      uplink_count: "42",
      round_trip_times: { min: "0.031s", max: "0.120s", median: "0.045s", count: 20 },
      sub_bands: [
        {
          min_frequency: "863000000",
          max_frequency: "865000000",
          downlink_utilization_limit: 0.001,
          downlink_utilization: 0.0002,
        },
      ],
      gateway_remote_address: { ip: "192.0.2.1" },
    });
    assert.equal(stats.uplinkCount, 42n);
    assert.equal(stats.roundTripTimes?.count, 20);
    assert.equal(stats.subBands[0]?.maxFrequency, 865_000_000n);
    const ack = messageFromJson(TxAcknowledgmentSchema, {
      correlation_ids: ["gs:downlink:1"],
      result: "TOO_LATE",
    });
    assert.equal(ack.result, TxAcknowledgment_Result.TOO_LATE);
  });
});

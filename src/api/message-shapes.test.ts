/**
 * Pins the shapes of The Things Stack's messages in our API definitions: the fields of
 * EndDevice and Gateway (number, name and type), the optional-value wrappers, and the enum
 * tables. The tables here are written from The Things Stack's public definitions, so that an
 * edit of api/ cannot silently drop, renumber or retype a field that scripts and peers rely on.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DescEnum,
  type DescField,
  type DescMessage,
  getOption,
  ScalarType,
} from "@bufbuild/protobuf";
import { json_number, wrapper } from "../gen/lorastack/options_pb.js";
import {
  EndDeviceSchema,
  file_ttn_lorawan_v3_end_device,
  PowerStateSchema,
} from "../gen/ttn/lorawan/v3/end_device_pb.js";
import { GatewayAntennaPlacementSchema, GatewaySchema } from "../gen/ttn/lorawan/v3/gateway_pb.js";
import { file_ttn_lorawan_v3_lorawan } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { PayloadFormatterSchema } from "../gen/ttn/lorawan/v3/messages_pb.js";

const v3 = "ttn.lorawan.v3.";

/** A field as `<number> <name> <type>`, types named as in .proto files (package left out). */
function fieldLine(field: DescField): string {
  const element = (kind: "scalar" | "enum" | "message"): string => {
    if (kind === "scalar") return ScalarType[field.scalar as ScalarType].toLowerCase();
    return shortName((kind === "enum" ? field.enum : field.message)?.typeName ?? "");
  };
  let type: string;
  switch (field.fieldKind) {
    case "list":
      type = `repeated ${element(field.listKind)}`;
      break;
    case "map":
      type = `map<${ScalarType[field.mapKey].toLowerCase()}, ${element(field.mapKind)}>`;
      break;
    default:
      type = element(field.fieldKind);
  }
  return `${field.number} ${field.name} ${type}`;
}

function shortName(typeName: string): string {
  return typeName.startsWith(v3) ? typeName.slice(v3.length) : typeName;
}

function fieldsOf(message: DescMessage): string[] {
  return [...message.fields].sort((a, b) => a.number - b.number).map(fieldLine);
}

function valuesOf(descEnum: DescEnum): string[] {
  return descEnum.values.map((value) => `${value.name}=${value.number}`);
}

/** `PREFIX_<2^i>=i` for i below count: the exponent enums of the regional parameters. */
function powersOfTwo(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}_${2 ** i}=${i}`);
}

/** `PREFIX_<i>=i` for i below count. */
function counted(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}_${i}=${i}`);
}

const endDeviceFields = [
  "1 ids EndDeviceIdentifiers",
  "2 created_at google.protobuf.Timestamp",
  "3 updated_at google.protobuf.Timestamp",
  "4 name string",
  "5 description string",
  "6 attributes map<string, string>",
  "7 version_ids EndDeviceVersionIdentifiers",
  "8 service_profile_id string",
  "9 network_server_address string",
  "10 application_server_address string",
  "11 join_server_address string",
  "12 locations map<string, Location>",
  "13 supports_class_b bool",
  "14 supports_class_c bool",
  "15 lorawan_version MACVersion",
  "16 lorawan_phy_version PHYVersion",
  "17 frequency_plan_id string",
  "18 min_frequency uint64",
  "19 max_frequency uint64",
  "20 supports_join bool",
  "21 resets_join_nonces bool",
  "22 root_keys RootKeys",
  "23 net_id bytes",
  "24 mac_settings MACSettings",
  "25 mac_state MACState",
  "26 session Session",
  "27 pending_session Session",
  "28 last_dev_nonce uint32",
  "29 used_dev_nonces repeated uint32",
  "30 last_join_nonce uint32",
  "31 last_rj_count_0 uint32",
  "32 last_rj_count_1 uint32",
  "33 last_dev_status_received_at google.protobuf.Timestamp",
  "34 power_state PowerState",
  "35 battery_percentage google.protobuf.FloatValue",
  "36 downlink_margin int32",
  "40 queued_application_downlinks repeated ApplicationDownlink",
  "41 formatters MessagePayloadFormatters",
  "42 provisioner_id string",
  "43 provisioning_data google.protobuf.Struct",
  "44 pending_mac_state MACState",
  "45 multicast bool",
  "46 claim_authentication_code EndDeviceAuthenticationCode",
  "47 network_server_kek_label string",
  "48 application_server_kek_label string",
  "49 application_server_id string",
  "50 picture Picture",
  "51 skip_payload_crypto bool",
  "52 skip_payload_crypto_override google.protobuf.BoolValue",
  "53 activated_at google.protobuf.Timestamp",
  "54 last_seen_at google.protobuf.Timestamp",
  "55 serial_number string",
  "56 lora_alliance_profile_ids LoRaAllianceProfileIdentifiers",
];

const gatewayFields = [
  "1 ids GatewayIdentifiers",
  "2 created_at google.protobuf.Timestamp",
  "3 updated_at google.protobuf.Timestamp",
  "4 name string",
  "5 description string",
  "6 attributes map<string, string>",
  "7 contact_info repeated ContactInfo",
  "8 version_ids GatewayVersionIdentifiers",
  "9 gateway_server_address string",
  "10 auto_update bool",
  "11 update_channel string",
  "12 frequency_plan_id string",
  "13 antennas repeated GatewayAntenna",
  "14 status_public bool",
  "15 location_public bool",
  "16 schedule_downlink_late bool",
  "17 enforce_duty_cycle bool",
  "18 downlink_path_constraint DownlinkPathConstraint",
  "19 schedule_anytime_delay google.protobuf.Duration",
  "20 frequency_plan_ids repeated string",
  "21 update_location_from_status bool",
  "22 lbs_lns_secret Secret",
  "23 claim_authentication_code GatewayClaimAuthenticationCode",
  "24 target_cups_uri string",
  "25 target_cups_key Secret",
  "26 deleted_at google.protobuf.Timestamp",
  "27 require_authenticated_connection bool",
  "28 lrfhss Gateway.LRFHSS",
  "29 disable_packet_broker_forwarding bool",
  "30 administrative_contact OrganizationOrUserIdentifiers",
  "31 technical_contact OrganizationOrUserIdentifiers",
];

/** Messages the end device and gateway hold, with the fields of each. */
const nestedFields: Record<string, string[]> = {
  Session: [
    "2 dev_addr bytes",
    "3 keys SessionKeys",
    "4 last_f_cnt_up uint32",
    "5 last_n_f_cnt_down uint32",
    "6 last_a_f_cnt_down uint32",
    "7 last_conf_f_cnt_down uint32",
    "8 started_at google.protobuf.Timestamp",
    "9 queued_application_downlinks repeated ApplicationDownlink",
  ],
  SessionKeys: [
    "1 session_key_id bytes",
    "2 f_nwk_s_int_key KeyEnvelope",
    "3 s_nwk_s_int_key KeyEnvelope",
    "4 nwk_s_enc_key KeyEnvelope",
    "5 app_s_key KeyEnvelope",
  ],
  KeyEnvelope: ["1 key bytes", "2 kek_label string", "3 encrypted_key bytes"],
  RootKeys: ["1 root_key_id string", "2 app_key KeyEnvelope", "3 nwk_key KeyEnvelope"],
  MACSettings: [
    "1 class_b_timeout google.protobuf.Duration",
    "2 ping_slot_periodicity PingSlotPeriodValue",
    "3 ping_slot_data_rate_index DataRateIndexValue",
    "4 ping_slot_frequency ZeroableFrequencyValue",
    "5 class_c_timeout google.protobuf.Duration",
    "6 rx1_delay RxDelayValue",
    "7 rx1_data_rate_offset DataRateOffsetValue",
    "8 rx2_data_rate_index DataRateIndexValue",
    "9 rx2_frequency FrequencyValue",
    "10 factory_preset_frequencies repeated uint64",
    "11 max_duty_cycle AggregatedDutyCycleValue",
    "12 supports_32_bit_f_cnt BoolValue",
    "13 use_adr BoolValue",
    "14 adr_margin google.protobuf.FloatValue",
    "15 resets_f_cnt BoolValue",
    "16 status_time_periodicity google.protobuf.Duration",
    "17 status_count_periodicity google.protobuf.UInt32Value",
    "18 desired_rx1_delay RxDelayValue",
    "19 desired_rx1_data_rate_offset DataRateOffsetValue",
    "20 desired_rx2_data_rate_index DataRateIndexValue",
    "21 desired_rx2_frequency FrequencyValue",
    "22 desired_max_duty_cycle AggregatedDutyCycleValue",
    "23 desired_adr_ack_limit_exponent ADRAckLimitExponentValue",
    "24 desired_adr_ack_delay_exponent ADRAckDelayExponentValue",
    "25 beacon_frequency ZeroableFrequencyValue",
    "27 desired_ping_slot_data_rate_index DataRateIndexValue",
    "28 desired_ping_slot_frequency ZeroableFrequencyValue",
    "29 desired_beacon_frequency ZeroableFrequencyValue",
    "30 desired_max_eirp DeviceEIRPValue",
    "31 class_b_c_downlink_interval google.protobuf.Duration",
    "32 uplink_dwell_time BoolValue",
    "33 downlink_dwell_time BoolValue",
    "34 adr ADRSettings",
    "35 schedule_downlinks BoolValue",
    "36 relay RelaySettings",
    "37 desired_relay RelaySettings",
  ],
  ADRSettings: [
    "1 static ADRSettings.StaticMode",
    "2 dynamic ADRSettings.DynamicMode",
    "3 disabled ADRSettings.DisabledMode",
  ],
  "ADRSettings.StaticMode": [
    "1 data_rate_index DataRateIndex",
    "2 tx_power_index uint32",
    "3 nb_trans uint32",
  ],
  "ADRSettings.DynamicMode": [
    "1 margin google.protobuf.FloatValue",
    "2 min_data_rate_index DataRateIndexValue",
    "3 max_data_rate_index DataRateIndexValue",
    "4 min_tx_power_index google.protobuf.UInt32Value",
    "5 max_tx_power_index google.protobuf.UInt32Value",
    "6 min_nb_trans google.protobuf.UInt32Value",
    "7 max_nb_trans google.protobuf.UInt32Value",
    "8 channel_steering ADRSettings.DynamicMode.ChannelSteeringSettings",
    "9 overrides ADRSettings.DynamicMode.Overrides",
  ],
  "ADRSettings.DynamicMode.Overrides": Array.from(
    { length: 16 },
    (_, i) => `${i + 1} data_rate_${i} ADRSettings.DynamicMode.PerDataRateIndexOverride`,
  ),
  "ADRSettings.DynamicMode.PerDataRateIndexOverride": [
    "3 min_nb_trans google.protobuf.UInt32Value",
    "4 max_nb_trans google.protobuf.UInt32Value",
  ],
  MACState: [
    "1 current_parameters MACParameters",
    "2 desired_parameters MACParameters",
    "3 device_class Class",
    "4 lorawan_version MACVersion",
    "5 last_confirmed_downlink_at google.protobuf.Timestamp",
    "6 last_dev_status_f_cnt_up uint32",
    "7 ping_slot_periodicity PingSlotPeriodValue",
    "8 pending_application_downlink ApplicationDownlink",
    "9 queued_responses repeated MACCommand",
    "10 pending_requests repeated MACCommand",
    "11 queued_join_accept MACState.JoinAccept",
    "12 pending_join_request MACState.JoinRequest",
    "13 rx_windows_available bool",
    "14 recent_uplinks repeated MACState.UplinkMessage",
    "15 recent_downlinks repeated MACState.DownlinkMessage",
    "16 last_network_initiated_downlink_at google.protobuf.Timestamp",
    "17 rejected_adr_data_rate_indexes repeated DataRateIndex",
    "18 rejected_adr_tx_power_indexes repeated uint32",
    "19 rejected_frequencies repeated uint64",
    "20 last_downlink_at google.protobuf.Timestamp",
    "21 rejected_data_rate_ranges map<uint64, MACState.DataRateRanges>",
    "22 last_adr_change_f_cnt_up uint32",
    "23 recent_mac_command_identifiers repeated MACCommandIdentifier",
    "24 pending_relay_downlink RelayForwardDownlinkReq",
  ],
  "MACState.JoinRequest": [
    "6 downlink_settings DLSettings",
    "7 rx_delay RxDelay",
    "8 cf_list CFList",
  ],
  "MACState.JoinAccept": [
    "1 payload bytes",
    "2 request MACState.JoinRequest",
    "3 keys SessionKeys",
    "4 correlation_ids repeated string",
    "5 dev_addr bytes",
    "6 net_id bytes",
  ],
  MACParameters: [
    "1 max_eirp float",
    "4 adr_data_rate_index DataRateIndex",
    "5 adr_tx_power_index uint32",
    "6 adr_nb_trans uint32",
    "7 adr_ack_limit uint32",
    "8 adr_ack_delay uint32",
    "9 rx1_delay RxDelay",
    "10 rx1_data_rate_offset DataRateOffset",
    "11 rx2_data_rate_index DataRateIndex",
    "12 rx2_frequency uint64",
    "13 max_duty_cycle AggregatedDutyCycle",
    "14 rejoin_time_periodicity RejoinTimeExponent",
    "15 rejoin_count_periodicity RejoinCountExponent",
    "16 ping_slot_frequency uint64",
    "17 ping_slot_data_rate_index DataRateIndex",
    "18 beacon_frequency uint64",
    "19 channels repeated MACParameters.Channel",
    "20 uplink_dwell_time BoolValue",
    "21 downlink_dwell_time BoolValue",
    "22 adr_ack_limit_exponent ADRAckLimitExponentValue",
    "23 adr_ack_delay_exponent ADRAckDelayExponentValue",
    "24 ping_slot_data_rate_index_value DataRateIndexValue",
    "25 relay RelayParameters",
  ],
  "MACParameters.Channel": [
    "1 uplink_frequency uint64",
    "2 downlink_frequency uint64",
    "3 min_data_rate_index DataRateIndex",
    "4 max_data_rate_index DataRateIndex",
    "5 enable_uplink bool",
  ],
  MessagePayloadFormatters: [
    "1 up_formatter PayloadFormatter",
    "2 up_formatter_parameter string",
    "3 down_formatter PayloadFormatter",
    "4 down_formatter_parameter string",
  ],
  ApplicationDownlink: [
    "1 session_key_id bytes",
    "2 f_port uint32",
    "3 f_cnt uint32",
    "4 frm_payload bytes",
    "5 decoded_payload google.protobuf.Struct",
    "6 confirmed bool",
    "7 class_b_c ApplicationDownlink.ClassBC",
    "8 priority TxSchedulePriority",
    "9 correlation_ids repeated string",
    "10 decoded_payload_warnings repeated string",
    "11 confirmed_retry ApplicationDownlink.ConfirmedRetry",
  ],
  EndDeviceAuthenticationCode: [
    "1 value string",
    "2 valid_from google.protobuf.Timestamp",
    "3 valid_to google.protobuf.Timestamp",
  ],
  EndDeviceVersionIdentifiers: [
    "1 brand_id string",
    "2 model_id string",
    "3 hardware_version string",
    "4 firmware_version string",
    "5 band_id string",
  ],
  Location: [
    "1 latitude double",
    "2 longitude double",
    "3 altitude int32",
    "4 accuracy int32",
    "5 source LocationSource",
  ],
  Picture: ["1 embedded Picture.Embedded", "2 sizes map<uint32, string>"],
  GatewayAntenna: [
    "1 gain float",
    "2 location Location",
    "3 attributes map<string, string>",
    "4 placement GatewayAntennaPlacement",
  ],
  GatewayVersionIdentifiers: [
    "1 brand_id string",
    "2 model_id string",
    "3 hardware_version string",
    "4 firmware_version string",
    "5 runtime_version string",
  ],
  GatewayClaimAuthenticationCode: [
    "1 secret Secret",
    "2 valid_from google.protobuf.Timestamp",
    "3 valid_to google.protobuf.Timestamp",
  ],
  Secret: ["1 key_id string", "2 value bytes"],
  "Gateway.LRFHSS": ["1 supported bool"],
};

/** The optional values The Things Stack writes in JSON as their bare value, and their type. */
const wrappers: Record<string, string> = {
  BoolValue: "bool",
  FrequencyValue: "uint64",
  ZeroableFrequencyValue: "uint64",
  DataRateOffsetValue: "DataRateOffset",
  DataRateIndexValue: "DataRateIndex",
  PingSlotPeriodValue: "PingSlotPeriod",
  AggregatedDutyCycleValue: "AggregatedDutyCycle",
  RxDelayValue: "RxDelay",
  ADRAckLimitExponentValue: "ADRAckLimitExponent",
  ADRAckDelayExponentValue: "ADRAckDelayExponent",
  DeviceEIRPValue: "DeviceEIRP",
};

const enums: Record<string, string[]> = {
  MACVersion: [
    "MAC_UNKNOWN=0",
    "MAC_V1_0=1",
    "MAC_V1_0_1=2",
    "MAC_V1_0_2=3",
    "MAC_V1_1=4",
    "MAC_V1_0_3=5",
    "MAC_V1_0_4=6",
    "MAC_V1_2_0=7",
  ],
  PHYVersion: [
    "PHY_UNKNOWN=0",
    "PHY_V1_0=1",
    "TS001_V1_0=1",
    "PHY_V1_0_1=2",
    "TS001_V1_0_1=2",
    "PHY_V1_0_2_REV_A=3",
    "RP001_V1_0_2=3",
    "PHY_V1_0_2_REV_B=4",
    "RP001_V1_0_2_REV_B=4",
    "PHY_V1_1_REV_A=5",
    "RP001_V1_1_REV_A=5",
    "PHY_V1_1_REV_B=6",
    "RP001_V1_1_REV_B=6",
    "PHY_V1_0_3_REV_A=7",
    "RP001_V1_0_3_REV_A=7",
    "RP002_V1_0_0=8",
    "RP002_V1_0_1=9",
    "RP002_V1_0_2=10",
    "RP002_V1_0_3=11",
    "RP002_V1_0_4=12",
  ],
  DataRateIndex: counted("DATA_RATE", 16),
  DataRateOffset: counted("DATA_RATE_OFFSET", 8),
  RxDelay: counted("RX_DELAY", 16),
  Class: ["CLASS_A=0", "CLASS_B=1", "CLASS_C=2"],
  AggregatedDutyCycle: powersOfTwo("DUTY_CYCLE", 16),
  ADRAckLimitExponent: powersOfTwo("ADR_ACK_LIMIT", 16),
  ADRAckDelayExponent: powersOfTwo("ADR_ACK_DELAY", 16),
  PingSlotPeriod: Array.from({ length: 8 }, (_, i) => `PING_EVERY_${2 ** i}S=${i}`),
  RejoinCountExponent: Array.from({ length: 16 }, (_, i) => `REJOIN_COUNT_${2 ** (i + 4)}=${i}`),
  RejoinTimeExponent: counted("REJOIN_TIME", 16),
  RejoinPeriodExponent: counted("REJOIN_PERIOD", 8),
  DeviceEIRP: [8, 10, 12, 13, 14, 16, 18, 20, 21, 24, 26, 27, 29, 30, 33, 36].map(
    (dBm, i) => `DEVICE_EIRP_${dBm}=${i}`,
  ),
  CipherEnum: counted("CIPHER", 16),
  Minor: [
    "MINOR_RFU_0=0",
    "MINOR_1=1",
    "MINOR_2=2",
    ...Array.from({ length: 13 }, (_, i) => `MINOR_RFU_${i + 3}=${i + 3}`),
  ],
  TxSchedulePriority: [
    "LOWEST=0",
    "LOW=1",
    "BELOW_NORMAL=2",
    "NORMAL=3",
    "ABOVE_NORMAL=4",
    "HIGH=5",
    "HIGHEST=6",
  ],
  MACCommandIdentifier: [
    "CID_RFU_0=0",
    "CID_RESET=1",
    "CID_LINK_CHECK=2",
    "CID_LINK_ADR=3",
    "CID_DUTY_CYCLE=4",
    "CID_RX_PARAM_SETUP=5",
    "CID_DEV_STATUS=6",
    "CID_NEW_CHANNEL=7",
    "CID_RX_TIMING_SETUP=8",
    "CID_TX_PARAM_SETUP=9",
    "CID_DL_CHANNEL=10",
    "CID_REKEY=11",
    "CID_ADR_PARAM_SETUP=12",
    "CID_DEVICE_TIME=13",
    "CID_FORCE_REJOIN=14",
    "CID_REJOIN_PARAM_SETUP=15",
    "CID_PING_SLOT_INFO=16",
    "CID_PING_SLOT_CHANNEL=17",
    "CID_BEACON_TIMING=18",
    "CID_BEACON_FREQ=19",
    "CID_DEVICE_MODE=32",
    "CID_RELAY_CONF=64",
    "CID_RELAY_END_DEVICE_CONF=65",
    "CID_RELAY_FILTER_LIST=66",
    "CID_RELAY_UPDATE_UPLINK_LIST=67",
    "CID_RELAY_CTRL_UPLINK_LIST=68",
    "CID_RELAY_CONFIGURE_FWD_LIMIT=69",
    "CID_RELAY_NOTIFY_NEW_END_DEVICE=70",
  ],
  MType: [
    "JOIN_REQUEST=0",
    "JOIN_ACCEPT=1",
    "UNCONFIRMED_UP=2",
    "UNCONFIRMED_DOWN=3",
    "CONFIRMED_UP=4",
    "CONFIRMED_DOWN=5",
    "REJOIN_REQUEST=6",
    "PROPRIETARY=7",
  ],
  JoinRequestType: ["REJOIN_CONTEXT=0", "REJOIN_SESSION=1", "REJOIN_KEYS=2", "JOIN=255"],
  RejoinRequestType: ["CONTEXT=0", "SESSION=1", "KEYS=2"],
  CFListType: ["FREQUENCIES=0", "CHANNEL_MASKS=1"],
};

/** Every message and enum of lorawan.proto and end_device.proto, nested ones included. */
function typesOf(files: { messages: readonly DescMessage[]; enums: readonly DescEnum[] }[]) {
  const messages = new Map<string, DescMessage>();
  const enumTypes = new Map<string, DescEnum>();
  const visit = (message: DescMessage) => {
    messages.set(shortName(message.typeName), message);
    for (const nested of message.nestedEnums) enumTypes.set(shortName(nested.typeName), nested);
    for (const nested of message.nestedMessages) visit(nested);
  };
  for (const file of files) {
    for (const message of file.messages) visit(message);
    for (const descEnum of file.enums) enumTypes.set(shortName(descEnum.typeName), descEnum);
  }
  return { messages, enums: enumTypes };
}

const known = typesOf([file_ttn_lorawan_v3_lorawan, file_ttn_lorawan_v3_end_device]);

describe("The Things Stack's message shapes", () => {
  it("EndDevice has every field of The Things Stack's end device", () => {
    assert.deepEqual(fieldsOf(EndDeviceSchema), endDeviceFields);
    // The numbers The Things Stack retired stay reserved.
    for (const number of [37, 38, 39]) {
      assert.ok(
        !EndDeviceSchema.fields.some((field) => field.number === number),
        `field ${number} is retired`,
      );
    }
  });

  it("Gateway has every field of The Things Stack's gateway", () => {
    assert.deepEqual(fieldsOf(GatewaySchema), gatewayFields);
  });

  /**
   * Fields of lorastack's own beside TTS's, at numbers TTS does not use (100 and up): what
   * TTS keeps elsewhere and we keep in the message.
   */
  const ownFields: Record<string, readonly string[]> = {
    MACState: ["100 unanswered_requests map<uint32, uint32>"],
  };

  it("the messages they hold have The Things Stack's fields", () => {
    const messages = new Map(known.messages);
    for (const schema of [EndDeviceSchema, GatewaySchema]) {
      const walk = (message: DescMessage, seen: Set<string>) => {
        if (seen.has(message.typeName)) return;
        seen.add(message.typeName);
        messages.set(shortName(message.typeName), message);
        for (const field of message.fields) {
          if (field.message) walk(field.message, seen);
        }
      };
      walk(schema, new Set());
    }
    for (const [name, expected] of Object.entries(nestedFields)) {
      const message = messages.get(name);
      assert.ok(message, `${name} is defined`);
      const own = ownFields[name] ?? [];
      const fields = fieldsOf(message);
      for (const field of own) assert.ok(fields.includes(field), `${name} has our ${field}`);
      assert.deepEqual(
        fields.filter((field) => !own.includes(field)),
        expected,
        name,
      );
    }
  });

  it("optional values are TTS-shaped wrappers: one field, value = 1", () => {
    const marked = [...known.messages.values()]
      .filter((message) => getOption(message, wrapper))
      .map((message) => shortName(message.typeName))
      .sort();
    assert.deepEqual(marked, Object.keys(wrappers).sort());
    for (const [name, type] of Object.entries(wrappers)) {
      const message = known.messages.get(name) as DescMessage;
      assert.deepEqual(fieldsOf(message), [`1 value ${type}`], name);
    }
  });

  it("enums have The Things Stack's names and numbers", () => {
    for (const [name, expected] of Object.entries(enums)) {
      const descEnum = known.enums.get(name);
      assert.ok(descEnum, `${name} is defined`);
      assert.deepEqual(valuesOf(descEnum), expected, name);
    }
    assert.deepEqual(valuesOf(PowerStateSchema), [
      "POWER_UNKNOWN=0",
      "POWER_BATTERY=1",
      "POWER_EXTERNAL=2",
    ]);
    assert.deepEqual(valuesOf(PayloadFormatterSchema), [
      "FORMATTER_NONE=0",
      "FORMATTER_REPOSITORY=1",
      "FORMATTER_GRPC_SERVICE=2",
      "FORMATTER_JAVASCRIPT=3",
      "FORMATTER_CAYENNELPP=4",
    ]);
    assert.deepEqual(valuesOf(GatewayAntennaPlacementSchema), [
      "PLACEMENT_UNKNOWN=0",
      "INDOOR=1",
      "OUTDOOR=2",
    ]);
  });

  it("marks the enums The Things Stack writes as numbers", () => {
    const numeric = [...known.enums.values()]
      .filter((descEnum) => getOption(descEnum, json_number))
      .map((descEnum) => shortName(descEnum.typeName))
      .sort();
    assert.deepEqual(numeric, ["DataRateIndex", "DataRateOffset", "RxDelay"]);
  });
});

/**
 * The extra strings The Things Stack's JSON reader accepts for enum values, besides the value
 * names themselves, numbers and numeric strings: the value names without the enum's prefix
 * (`"APPLICATION_INFO"` for `RIGHT_APPLICATION_INFO`, its `(thethings.json.enum).prefix`
 * option) and the aliases of its `(thethings.json.enum_value)` options (`"1.0.3"` for
 * `MAC_V1_0_3`). In TTS these are the generated `<Enum>_customvalue` maps.
 *
 * Keyed by the enum's full protobuf type name, so that one table serves every field of that
 * type wherever it appears, including enums that our protos do not declare yet. An entry with
 * no aliases records that TTS has none for that enum (names and numbers only).
 *
 * Beware: for the exponent-style enums an alias is the value's meaning, not its number. The
 * string `"1"` is `DUTY_CYCLE_1` (0), while the JSON number `1` is value 1 (`DUTY_CYCLE_2`);
 * a numeric string with no alias (`"3"`) is read as the number 3. That is how TTS reads them.
 */

/** Alias → enum value number, as written in the table below. */
type EnumAliases = Readonly<Record<string, number>>;

/** Names that stand for 0, 1, 2, ... in order. */
function inOrder(names: readonly string[]): EnumAliases {
  return Object.fromEntries(names.map((name, index) => [name, index]));
}

/** `"0"`, `"1"`, ... `"<count - 1>"` for 0 to count - 1 (index-style enums). */
function indices(count: number): EnumAliases {
  return inOrder(Array.from({ length: count }, (_, index) => String(index)));
}

/** `"<first>"`, `"<2·first>"`, `"<4·first>"`, ... for 0 to count - 1 (exponent-style enums). */
function powersOfTwo(first: number, count: number): EnumAliases {
  return inOrder(Array.from({ length: count }, (_, index) => String(first * 2 ** index)));
}

/** The rights without their `RIGHT_` prefix (rights.proto; `right_invalid` has none). */
const rights: EnumAliases = {
  USER_INFO: 1,
  USER_SETTINGS_BASIC: 2,
  USER_SETTINGS_API_KEYS: 3,
  USER_DELETE: 4,
  USER_AUTHORIZED_CLIENTS: 5,
  USER_APPLICATIONS_LIST: 6,
  USER_APPLICATIONS_CREATE: 7,
  USER_GATEWAYS_LIST: 8,
  USER_GATEWAYS_CREATE: 9,
  USER_CLIENTS_LIST: 10,
  USER_CLIENTS_CREATE: 11,
  USER_ORGANIZATIONS_LIST: 12,
  USER_ORGANIZATIONS_CREATE: 13,
  USER_ALL: 14,
  USER_NOTIFICATIONS_READ: 59,
  APPLICATION_INFO: 15,
  APPLICATION_SETTINGS_BASIC: 16,
  APPLICATION_SETTINGS_API_KEYS: 17,
  APPLICATION_SETTINGS_COLLABORATORS: 18,
  APPLICATION_DELETE: 19,
  APPLICATION_DEVICES_READ: 20,
  APPLICATION_DEVICES_WRITE: 21,
  APPLICATION_DEVICES_READ_KEYS: 22,
  APPLICATION_DEVICES_WRITE_KEYS: 23,
  APPLICATION_TRAFFIC_READ: 24,
  APPLICATION_TRAFFIC_UP_WRITE: 25,
  APPLICATION_TRAFFIC_DOWN_WRITE: 26,
  APPLICATION_LINK: 27,
  APPLICATION_ALL: 28,
  APPLICATION_SETTINGS_PACKAGES: 56,
  CLIENT_ALL: 29,
  CLIENT_INFO: 60,
  CLIENT_SETTINGS_BASIC: 61,
  CLIENT_SETTINGS_COLLABORATORS: 62,
  CLIENT_DELETE: 63,
  GATEWAY_INFO: 30,
  GATEWAY_SETTINGS_BASIC: 31,
  GATEWAY_SETTINGS_API_KEYS: 32,
  GATEWAY_SETTINGS_COLLABORATORS: 33,
  GATEWAY_DELETE: 34,
  GATEWAY_TRAFFIC_READ: 35,
  GATEWAY_TRAFFIC_DOWN_WRITE: 36,
  GATEWAY_LINK: 37,
  GATEWAY_STATUS_READ: 38,
  GATEWAY_LOCATION_READ: 39,
  GATEWAY_ALL: 40,
  GATEWAY_WRITE_SECRETS: 57,
  GATEWAY_READ_SECRETS: 58,
  ORGANIZATION_INFO: 41,
  ORGANIZATION_SETTINGS_BASIC: 42,
  ORGANIZATION_SETTINGS_API_KEYS: 43,
  ORGANIZATION_SETTINGS_MEMBERS: 44,
  ORGANIZATION_DELETE: 45,
  ORGANIZATION_APPLICATIONS_LIST: 46,
  ORGANIZATION_APPLICATIONS_CREATE: 47,
  ORGANIZATION_GATEWAYS_LIST: 48,
  ORGANIZATION_GATEWAYS_CREATE: 49,
  ORGANIZATION_CLIENTS_LIST: 50,
  ORGANIZATION_CLIENTS_CREATE: 51,
  ORGANIZATION_ADD_AS_COLLABORATOR: 52,
  ORGANIZATION_ALL: 53,
  SEND_INVITES: 54,
  ALL: 55,
};

/** MAC command identifiers without their `CID_` prefix. */
const macCommands: EnumAliases = {
  RFU_0: 0,
  RESET: 1,
  LINK_CHECK: 2,
  LINK_ADR: 3,
  DUTY_CYCLE: 4,
  RX_PARAM_SETUP: 5,
  DEV_STATUS: 6,
  NEW_CHANNEL: 7,
  RX_TIMING_SETUP: 8,
  TX_PARAM_SETUP: 9,
  DL_CHANNEL: 10,
  REKEY: 11,
  ADR_PARAM_SETUP: 12,
  DEVICE_TIME: 13,
  FORCE_REJOIN: 14,
  REJOIN_PARAM_SETUP: 15,
  PING_SLOT_INFO: 16,
  PING_SLOT_CHANNEL: 17,
  BEACON_TIMING: 18,
  BEACON_FREQ: 19,
  DEVICE_MODE: 32,
  RELAY_CONF: 64,
  RELAY_END_DEVICE_CONF: 65,
  RELAY_FILTER_LIST: 66,
  RELAY_UPDATE_UPLINK_LIST: 67,
  RELAY_CTRL_UPLINK_LIST: 68,
  RELAY_CONFIGURE_FWD_LIMIT: 69,
  RELAY_NOTIFY_NEW_END_DEVICE: 70,
};

/**
 * Every enum of The Things Stack's API that our JSON reader may meet, by full type name: its
 * aliases (alias → value number).
 */
export const enumAliases: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  Object.entries({
    // lorawan.proto
    MType: {},
    Major: { R1: 0 },
    MACVersion: {
      ...inOrder(["UNKNOWN", "V1_0", "V1_0_1", "V1_0_2", "V1_1", "V1_0_3", "V1_0_4", "V1_2_0"]),
      unknown: 0,
      "1.0": 1,
      "1.0.0": 1,
      "1.0.1": 2,
      "1.0.2": 3,
      "1.1": 4,
      "1.1.0": 4,
      "1.0.3": 5,
      "1.0.4": 6,
      "1.2": 7,
      "1.2.0": 7,
    },
    PHYVersion: {
      // The enum's own second names (allow_alias), in case a proto leaves them out.
      TS001_V1_0: 1,
      TS001_V1_0_1: 2,
      RP001_V1_0_2: 3,
      RP001_V1_0_2_REV_B: 4,
      RP001_V1_1_REV_A: 5,
      RP001_V1_1_REV_B: 6,
      RP001_V1_0_3_REV_A: 7,
      unknown: 0,
      "1.0": 1,
      "1.0.0": 1,
      V1_0: 1,
      "1.0.1": 2,
      V1_0_1: 2,
      "1.0.2": 3,
      "1.0.2-a": 3,
      V1_0_2: 3,
      V1_0_2_REV_A: 3,
      "1.0.2-b": 4,
      V1_0_2_REV_B: 4,
      "1.1-a": 5,
      "1.1.0-a": 5,
      V1_1_REV_A: 5,
      "1.1-b": 6,
      "1.1.0-b": 6,
      V1_1_REV_B: 6,
      "1.0.3-a": 7,
      V1_0_3_REV_A: 7,
    },
    DataRateIndex: indices(16),
    DataRateOffset: indices(8),
    RxDelay: indices(16),
    JoinRequestType: {},
    RejoinRequestType: {},
    CFListType: {},
    Class: inOrder(["A", "B", "C"]),
    TxSchedulePriority: {},
    MACCommandIdentifier: macCommands,
    AggregatedDutyCycle: powersOfTwo(1, 16),
    PingSlotPeriod: inOrder(["1S", "2S", "4S", "8S", "16S", "32S", "64S", "128S"]),
    RejoinCountExponent: powersOfTwo(16, 16),
    RejoinTimeExponent: indices(16),
    RejoinPeriodExponent: indices(8),
    DeviceEIRP: inOrder(
      "8 10 12 13 14 16 18 20 21 24 26 27 29 30 33 36".split(" "), // dBm
    ),
    ADRAckLimitExponent: powersOfTwo(1, 16),
    ADRAckDelayExponent: powersOfTwo(1, 16),
    Minor: {
      RFU_0: 0,
      "1": 1,
      "2": 2,
      ...Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`RFU_${i + 3}`, i + 3])),
    },
    CipherEnum: indices(16),
    RelayCADPeriodicity: inOrder([
      "1_SECOND",
      "500_MILLISECONDS",
      "250_MILLISECONDS",
      "100_MILLISECONDS",
      "50_MILLISECONDS",
      "20_MILLISECONDS",
    ]),
    RelaySecondChAckOffset: inOrder(["0", "200", "400", "800", "1600", "3200"]),
    RelayLimitBucketSize: inOrder(["1", "2", "4", "12"]),
    RelaySmartEnableLevel: inOrder(["8", "16", "32", "64"]),
    RelayWORChannel: inOrder(["DEFAULT", "SECONDARY"]),
    RelayResetLimitCounter: inOrder(["ZERO", "RELOAD_RATE", "MAX_VALUE", "NO_RESET"]),
    RelayCtrlUplinkListAction: inOrder(["READ_W_F_CNT", "REMOVE_TRUSTED_END_DEVICE"]),
    // rights.proto
    Right: rights,
    // enums.proto
    State: inOrder(["REQUESTED", "APPROVED", "REJECTED", "FLAGGED", "SUSPENDED"]),
    DownlinkPathConstraint: inOrder(["NONE", "PREFER_OTHER", "NEVER"]),
    ClusterRole: {},
    // end_device.proto, messages.proto
    PowerState: inOrder(["UNKNOWN", "BATTERY", "EXTERNAL"]),
    PayloadFormatter: inOrder(["NONE", "REPOSITORY", "GRPC_SERVICE", "JAVASCRIPT", "CAYENNELPP"]),
    "TxAcknowledgment.Result": {},
    // applicationserver_pubsub.proto
    "ApplicationPubSub.MQTTProvider.QoS": {},
    // metadata.proto: value 2 is unused.
    LocationSource: {
      UNKNOWN: 0,
      GPS: 1,
      REGISTRY: 3,
      IP_GEOLOCATION: 4,
      WIFI_RSSI_GEOLOCATION: 5,
      BT_RSSI_GEOLOCATION: 6,
      LORA_RSSI_GEOLOCATION: 7,
      LORA_TDOA_GEOLOCATION: 8,
      COMBINED_GEOLOCATION: 9,
    },
    // gateway.proto: only PLACEMENT_UNKNOWN carries the prefix.
    GatewayAntennaPlacement: { UNKNOWN: 0 },
    // contact_info.proto, client.proto, user.proto
    ContactType: inOrder(["OTHER", "ABUSE", "BILLING", "TECHNICAL"]),
    ContactMethod: inOrder(["OTHER", "EMAIL", "PHONE"]),
    GrantType: inOrder(["AUTHORIZATION_CODE", "PASSWORD", "REFRESH_TOKEN"]),
    ConsoleTheme: inOrder(["SYSTEM", "LIGHT", "DARK"]),
    DashboardLayout: inOrder(["TABLE", "LIST", "GRID"]),
    // notification_service.proto: receiver value 2 is unused.
    NotificationReceiver: {
      UNKNOWN: 0,
      COLLABORATOR: 1,
      ADMINISTRATIVE_CONTACT: 3,
      TECHNICAL_CONTACT: 4,
    },
    NotificationStatus: inOrder(["UNSEEN", "SEEN", "ARCHIVED"]),
  }).map(([name, aliases]) => [`ttn.lorawan.v3.${name}`, new Map(Object.entries(aliases))]),
);

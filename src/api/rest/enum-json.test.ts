import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, it } from "node:test";
import type { DescEnum, DescFile, DescMessage } from "@bufbuild/protobuf";
import { enumAliases } from "./enum-aliases.ts";
import { enumNumberFromText, enumValueNamed, isEnumValue } from "./enum-json.ts";
import { file_ttn_lorawan_v3_test_versions } from "./testdata/gen/ttn/lorawan/v3/test_versions_pb.js";

/** Reads `text` as a value of `ttn.lorawan.v3.<name>` by TTS's aliases alone (no descriptor). */
const read = (name: string, text: string) => enumNumberFromText(`ttn.lorawan.v3.${name}`, text);

/** Every enum declared in a file, nested ones included. */
function enumsOf(file: DescFile): DescEnum[] {
  const inMessage = (message: DescMessage): DescEnum[] => [
    ...message.nestedEnums,
    ...message.nestedMessages.flatMap(inMessage),
  ];
  return [...file.enums, ...file.messages.flatMap(inMessage)];
}

/** Every enum of our generated API (`src/gen/ttn/lorawan/v3`). */
async function apiEnums(): Promise<DescEnum[]> {
  const folder = new URL("../../gen/ttn/lorawan/v3/", import.meta.url);
  const files = (await readdir(folder)).filter((name) => name.endsWith("_pb.js"));
  const enums: DescEnum[] = [];
  for (const name of files) {
    const module = (await import(new URL(name, folder).href)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(module)) {
      if (key.startsWith("file_")) enums.push(...enumsOf(value as DescFile));
    }
  }
  return enums;
}

describe("enum values as TTS reads them", () => {
  it("reads MAC and PHY versions by TTS's names and dotted aliases", () => {
    for (const [text, number] of [
      ["1.0.3", 5],
      ["V1_0_3", 5],
      ["1.0", 1],
      ["1.0.0", 1],
      ["1.0.1", 2],
      ["1.0.2", 3],
      ["1.1", 4],
      ["1.1.0", 4],
      ["1.0.4", 6],
      ["1.2", 7],
      ["V1_2_0", 7],
      ["unknown", 0],
      ["UNKNOWN", 0],
    ] as const) {
      assert.equal(read("MACVersion", text), number, `MACVersion ${text}`);
    }
    for (const [text, number] of [
      ["1.0.3-a", 7],
      ["RP001_V1_0_3_REV_A", 7],
      ["V1_0_3_REV_A", 7],
      ["1.0.2", 3],
      ["1.0.2-a", 3],
      ["1.0.2-b", 4],
      ["1.1-a", 5],
      ["1.1.0-b", 6],
      ["TS001_V1_0", 1],
      ["unknown", 0],
    ] as const) {
      assert.equal(read("PHYVersion", text), number, `PHYVersion ${text}`);
    }
    // TTS has no dotted alias for RP002 and no "UNKNOWN" for PHY versions.
    assert.equal(read("PHYVersion", "1.0.3"), undefined);
    assert.equal(read("PHYVersion", "UNKNOWN"), undefined);
  });

  it("reads exponent-style aliases by their meaning, other numeric strings as numbers", () => {
    for (const [name, text, number] of [
      ["AggregatedDutyCycle", "1", 0],
      ["AggregatedDutyCycle", "2", 1],
      ["AggregatedDutyCycle", "16", 4],
      ["AggregatedDutyCycle", "32768", 15],
      ["AggregatedDutyCycle", "3", 3],
      ["ADRAckLimitExponent", "1", 0],
      ["ADRAckLimitExponent", "64", 6],
      ["ADRAckDelayExponent", "32", 5],
      ["ADRAckDelayExponent", "15", 15],
      ["DeviceEIRP", "8", 0],
      ["DeviceEIRP", "14", 4],
      ["DeviceEIRP", "36", 15],
      ["DeviceEIRP", "9", 9],
      ["RejoinCountExponent", "16", 0],
      ["RejoinCountExponent", "524288", 15],
      ["RejoinCountExponent", "8", 8],
      ["PingSlotPeriod", "1S", 0],
      ["PingSlotPeriod", "128S", 7],
      ["RelaySecondChAckOffset", "200", 1],
      ["RelayLimitBucketSize", "12", 3],
      ["RelaySmartEnableLevel", "8", 0],
    ] as const) {
      assert.equal(read(name, text), number, `${name} ${text}`);
    }
  });

  it("reads index-style values, prefix-less names and the other aliases", () => {
    for (const [name, text, number] of [
      ["DataRateIndex", "5", 5],
      ["DataRateOffset", "7", 7],
      ["RxDelay", "15", 15],
      ["RejoinTimeExponent", "3", 3],
      ["RejoinPeriodExponent", "7", 7],
      ["CipherEnum", "2", 2],
      ["Class", "B", 1],
      ["Major", "R1", 0],
      ["Minor", "1", 1],
      ["Minor", "RFU_3", 3],
      ["MACCommandIdentifier", "LINK_ADR", 3],
      ["MACCommandIdentifier", "DEVICE_MODE", 32],
      ["MACCommandIdentifier", "RELAY_NOTIFY_NEW_END_DEVICE", 70],
      ["RelayCADPeriodicity", "20_MILLISECONDS", 5],
      ["RelayWORChannel", "SECONDARY", 1],
      ["RelayResetLimitCounter", "NO_RESET", 3],
      ["RelayCtrlUplinkListAction", "REMOVE_TRUSTED_END_DEVICE", 1],
      ["Right", "APPLICATION_INFO", 15],
      ["Right", "USER_NOTIFICATIONS_READ", 59],
      ["Right", "GATEWAY_READ_SECRETS", 58],
      ["Right", "CLIENT_DELETE", 63],
      ["Right", "SEND_INVITES", 54],
      ["Right", "ALL", 55],
      ["State", "APPROVED", 1],
      ["DownlinkPathConstraint", "NEVER", 2],
      ["PowerState", "BATTERY", 1],
      ["PayloadFormatter", "JAVASCRIPT", 3],
      ["LocationSource", "REGISTRY", 3],
      ["LocationSource", "COMBINED_GEOLOCATION", 9],
      ["GatewayAntennaPlacement", "UNKNOWN", 0],
      ["ContactType", "TECHNICAL", 3],
      ["ContactMethod", "EMAIL", 1],
      ["GrantType", "REFRESH_TOKEN", 2],
      ["ConsoleTheme", "DARK", 2],
      ["DashboardLayout", "GRID", 2],
    ] as const) {
      assert.equal(read(name, text), number, `${name} ${text}`);
    }
    assert.equal(read("Right", "INVALID"), undefined, "right_invalid has no alias");
    assert.equal(read("GatewayAntennaPlacement", "INDOOR"), undefined, "INDOOR has no prefix");
    assert.equal(read("MType", "JOIN_REQUEST"), undefined, "no aliases: needs the descriptor");
  });

  it("reads numeric strings of any enum as Go's ParseInt does, within int32", () => {
    for (const [text, number] of [
      ["15", 15],
      ["+7", 7],
      ["007", 7],
      ["-1", -1],
      ["-0", 0],
      ["2147483647", 2147483647],
      ["-2147483648", -2147483648],
    ] as const) {
      assert.equal(read("MType", text), number, text);
      assert.equal(enumNumberFromText("not.an.Enum", text), number, `unknown enum, ${text}`);
    }
    for (const text of ["2147483648", " 5", "5 ", "5.0", "0x5", "1e2", "", "-", "five"]) {
      assert.equal(read("MType", text), undefined, JSON.stringify(text));
    }
  });

  it("never reads an alias off the object prototype", () => {
    for (const text of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      assert.equal(read("MACVersion", text), undefined, text);
      assert.equal(enumNumberFromText("not.an.Enum", text), undefined, text);
    }
  });

  it("takes value names from the descriptor first, then aliases", () => {
    const phy = file_ttn_lorawan_v3_test_versions.enums.find((e) => e.name === "PHYVersion");
    assert.ok(phy);
    const named = enumValueNamed(phy);
    assert.equal(enumNumberFromText(phy.typeName, "RP002_V1_0_4", named), 12);
    assert.equal(enumNumberFromText(phy.typeName, "TS001_V1_0_1", named), 2);
    assert.equal(enumNumberFromText(phy.typeName, "1.1-b", named), 6);
    assert.equal(isEnumValue(phy, 12), true);
    assert.equal(isEnumValue(phy, 13), false);
  });

  it("has an entry for every enum of our API, whose aliases name declared values", async () => {
    const enums = [...(await apiEnums()), ...enumsOf(file_ttn_lorawan_v3_test_versions)];
    assert.ok(enums.length >= 10, `found ${enums.length} enums`);
    for (const descEnum of enums) {
      const aliases = enumAliases.get(descEnum.typeName);
      assert.ok(aliases, `${descEnum.typeName} has no entry in enum-aliases.ts`);
      for (const [alias, number] of aliases) {
        assert.ok(isEnumValue(descEnum, number), `${descEnum.typeName}: ${alias} → ${number}`);
      }
      // A value name and an alias never disagree.
      for (const value of descEnum.values) {
        const alias = aliases.get(value.name);
        if (alias !== undefined) assert.equal(alias, value.number, value.name);
      }
    }
  });

  it("covers every enum named in the TTS notes", () => {
    const names = [
      "MType",
      "Major",
      "MACVersion",
      "PHYVersion",
      "DataRateIndex",
      "DataRateOffset",
      "RxDelay",
      "JoinRequestType",
      "RejoinRequestType",
      "CFListType",
      "Class",
      "TxSchedulePriority",
      "MACCommandIdentifier",
      "AggregatedDutyCycle",
      "PingSlotPeriod",
      "RejoinCountExponent",
      "RejoinTimeExponent",
      "RejoinPeriodExponent",
      "DeviceEIRP",
      "ADRAckLimitExponent",
      "ADRAckDelayExponent",
      "Minor",
      "CipherEnum",
      "RelayCADPeriodicity",
      "RelaySecondChAckOffset",
      "RelayLimitBucketSize",
      "RelaySmartEnableLevel",
      "RelayWORChannel",
      "RelayResetLimitCounter",
      "RelayCtrlUplinkListAction",
      "Right",
      "State",
      "DownlinkPathConstraint",
      "ClusterRole",
      "PowerState",
      "LocationSource",
      "GatewayAntennaPlacement",
      "ContactType",
      "ContactMethod",
    ];
    for (const name of names) assert.ok(enumAliases.has(`ttn.lorawan.v3.${name}`), name);
    // Index- and exponent-style tables have exactly one alias per value.
    for (const [name, count] of [
      ["DataRateIndex", 16],
      ["AggregatedDutyCycle", 16],
      ["DeviceEIRP", 16],
      ["RejoinCountExponent", 16],
      ["PingSlotPeriod", 8],
      ["Minor", 16],
    ] as const) {
      assert.equal(enumAliases.get(`ttn.lorawan.v3.${name}`)?.size, count, name);
    }
  });
});

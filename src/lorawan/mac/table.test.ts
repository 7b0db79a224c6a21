import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isProprietaryCid,
  MAC_COMMANDS,
  macCommandByName,
  macCommandCodec,
  macCommandDescriptor,
} from "./table.ts";
import { commandArbitraries } from "./testing.ts";
import { MAC_VERSIONS } from "./types.ts";

describe("MAC command table", () => {
  it("holds every command of LoRaWAN 1.0.0-1.0.4 and 1.1, Class B included", () => {
    // CID, uplink name, uplink length, downlink name, downlink length (null: no such command)
    const expected: [number, string | null, number | null, string | null, number | null][] = [
      [0x01, "ResetInd", 1, "ResetConf", 1],
      [0x02, "LinkCheckReq", 0, "LinkCheckAns", 2],
      [0x03, "LinkADRAns", 1, "LinkADRReq", 4],
      [0x04, "DutyCycleAns", 0, "DutyCycleReq", 1],
      [0x05, "RXParamSetupAns", 1, "RXParamSetupReq", 4],
      [0x06, "DevStatusAns", 2, "DevStatusReq", 0],
      [0x07, "NewChannelAns", 1, "NewChannelReq", 5],
      [0x08, "RXTimingSetupAns", 0, "RXTimingSetupReq", 1],
      [0x09, "TxParamSetupAns", 0, "TxParamSetupReq", 1],
      [0x0a, "DlChannelAns", 1, "DlChannelReq", 4],
      [0x0b, "RekeyInd", 1, "RekeyConf", 1],
      [0x0c, "ADRParamSetupAns", 0, "ADRParamSetupReq", 1],
      [0x0d, "DeviceTimeReq", 0, "DeviceTimeAns", 5],
      [0x0e, null, null, "ForceRejoinReq", 2],
      [0x0f, "RejoinParamSetupAns", 1, "RejoinParamSetupReq", 1],
      [0x10, "PingSlotInfoReq", 1, "PingSlotInfoAns", 0],
      [0x11, "PingSlotChannelAns", 1, "PingSlotChannelReq", 4],
      [0x12, "BeaconTimingReq", 0, "BeaconTimingAns", 3],
      [0x13, "BeaconFreqAns", 1, "BeaconFreqReq", 3],
      [0x20, "DeviceModeInd", 1, "DeviceModeConf", 1],
    ];
    assert.equal(MAC_COMMANDS.length, expected.length);
    for (const [cid, upName, upLength, downName, downLength] of expected) {
      const descriptor = macCommandDescriptor(cid);
      assert.ok(descriptor, `CID ${cid}`);
      assert.equal(descriptor.uplink?.name ?? null, upName);
      assert.equal(descriptor.uplinkLength, upLength);
      assert.equal(descriptor.downlink?.name ?? null, downName);
      assert.equal(descriptor.downlinkLength, downLength);
      assert.equal(macCommandCodec(cid, "uplink")?.name ?? null, upName);
      assert.equal(macCommandCodec(cid, "downlink")?.name ?? null, downName);
      for (const version of descriptor.versions) assert.ok(MAC_VERSIONS.includes(version));
      assert.ok(descriptor.versions.length > 0);
      assert.ok(Object.isFrozen(descriptor));
    }
  });

  it("indexes every command name, with a test arbitrary for each", () => {
    const names = MAC_COMMANDS.flatMap((d) =>
      [d.uplink?.name, d.downlink?.name].filter((n) => n !== undefined),
    );
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(Object.keys(commandArbitraries).sort(), [...names].sort());
    for (const name of names) {
      const entry = macCommandByName(name);
      assert.ok(entry);
      assert.equal(entry.codec.name, name);
      assert.equal(entry.descriptor[entry.direction], entry.codec);
    }
    assert.equal(macCommandByName("RelayConfReq"), undefined);
  });

  it("knows which versions define which commands", () => {
    const in10 = MAC_COMMANDS.filter((d) => d.versions.includes("1.0.0")).map((d) => d.name);
    assert.deepEqual(in10, [
      "LinkCheck",
      "LinkADR",
      "DutyCycle",
      "RXParamSetup",
      "DevStatus",
      "NewChannel",
      "RXTimingSetup",
      "BeaconTiming",
      "BeaconFreq",
    ]);
    const only11 = MAC_COMMANDS.filter((d) => d.versions.length === 1 && d.versions[0] === "1.1");
    assert.deepEqual(
      only11.map((d) => d.name),
      ["Reset", "Rekey", "ADRParamSetup", "ForceRejoin", "RejoinParamSetup", "DeviceMode"],
    );
    assert.deepEqual(
      MAC_COMMANDS.filter((d) => d.deprecated).map((d) => d.name),
      ["BeaconTiming"],
    );
  });

  it("has no entry for RFU, relay or proprietary CIDs", () => {
    for (let cid = 0; cid <= 0xff; cid++) {
      const known = (cid >= 0x01 && cid <= 0x13) || cid === 0x20;
      assert.equal(macCommandDescriptor(cid) !== undefined, known, `CID ${cid}`);
      assert.equal(isProprietaryCid(cid), cid >= 0x80);
    }
  });
});

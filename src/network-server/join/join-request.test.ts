import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { CFListType, MACVersion, PHYVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { networkServerConfig } from "../config.ts";
import { parseDevAddrPrefix } from "../dev-addr/index.ts";
import { newMacState } from "../mac/new-state.ts";
import { defaultMacSettings } from "../services/default-mac-settings.ts";
import { deviceBand } from "../services/device-band.ts";
import { buildJoinRequest, newDevAddr } from "./join-request.ts";
import { hex, toHex, uplinkOf } from "./testing.ts";

const config = z.strictObject(networkServerConfig.shape).parse({}).ns;
const plans = FrequencyPlans.builtIn();

function requestFor(
  plan: string,
  frequency: bigint,
  spreadingFactor: number,
  phyVersion = PHYVersion.RP001_V1_0_3_REV_A,
) {
  const device = create(EndDeviceSchema, {
    supportsJoin: true,
    lorawanVersion: MACVersion.MAC_V1_0_3,
    lorawanPhyVersion: phyVersion,
    frequencyPlanId: plan,
  });
  const planAndBand = deviceBand(plans, plan, device.lorawanPhyVersion);
  const macState = newMacState(
    device,
    planAndBand,
    defaultMacSettings(planAndBand, config.default_mac_settings),
  );
  const uplink = uplinkOf(new Uint8Array(23), 0, frequency);
  const lora = uplink.settings?.dataRate?.modulation;
  if (lora?.case === "lora") lora.value.spreadingFactor = spreadingFactor;
  return buildJoinRequest({
    device,
    band: planAndBand.band,
    macState,
    uplink,
    devAddr: hex("26011234"),
    netId: hex("000013"),
    correlationIds: ["ns:uplink:test"],
  });
}

describe("buildJoinRequest", () => {
  it("carries the desired RX settings, the NetID, the DevAddr and the correlation IDs", () => {
    const request = requestFor("EU_863_870_TTN", 868_100_000n, 7);
    assert.equal(request.selectedMacVersion, MACVersion.MAC_V1_0_3);
    assert.equal(toHex(request.netId), "000013");
    assert.equal(toHex(request.devAddr), "26011234");
    assert.equal(request.rxDelay, 5);
    assert.deepEqual(
      [
        request.downlinkSettings?.rx1DrOffset,
        request.downlinkSettings?.rx2Dr,
        request.downlinkSettings?.optNeg,
      ],
      [0, 3, false],
    );
    assert.equal(request.cfList?.type, CFListType.FREQUENCIES);
    assert.deepEqual(request.cfList?.freq, [8671000, 8673000, 8675000, 8677000, 8679000]);
    assert.deepEqual(request.correlationIds, ["ns:uplink:test"]);
  });

  it("leaves the CFList out where the downlink dwell time limit keeps the join-accept below 33 bytes", () => {
    // RP001 1.0.2 rev. B: AS923 devices boot with the downlink dwell time limit (RX2 DR2: 19 bytes).
    const limited = requestFor("AS_920_923", 923_200_000n, 7, PHYVersion.RP001_V1_0_2_REV_B);
    assert.equal(limited.cfList, undefined);
    const free = requestFor("AS_920_923", 923_200_000n, 7, PHYVersion.RP001_V1_0_3_REV_A);
    assert.equal(free.cfList?.type, CFListType.FREQUENCIES);
  });
});

describe("newDevAddr", () => {
  it("draws again rather than give a device its current DevAddr", () => {
    const prefixes = [parseDevAddrPrefix("26011000/20")];
    const draws = [0, 0x234, 0, 0x567];
    const device = create(EndDeviceSchema, { session: { devAddr: hex("26011234") } });
    const devAddr = newDevAddr(device, prefixes, () => draws.shift() ?? 0);
    assert.equal(toHex(devAddr), "26011567");
  });
});

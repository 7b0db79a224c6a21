// Scenario tables over the two entry points: a state, a downlink or an uplink, and what comes
// out (commands, events, state). Each row runs the real handlers end to end.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { DownlinkMacCommand, UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { pendingRequests } from "./commands.ts";
import { enqueueDownlinkCommands } from "./downlink.ts";
import { at, downlinkContext, settledState, uplinkContext } from "./testing.ts";
import type { MacLayerState } from "./types.ts";
import { handleUplinkCommands } from "./uplink.ts";

const names = (events: readonly { definition: { name: string } }[]) =>
  events.map((e) => e.definition.name);

describe("scenario: LinkADRReq answered with a partial NACK", () => {
  const rows: {
    name: string;
    ack: { powerAck: boolean; dataRateAck: boolean; channelMaskAck: boolean };
    event: string;
    rejectedDataRates: number[];
    rejectedPowers: number[];
    appliedDataRate: number;
    nextRequest: { dataRateIndex: number; txPowerIndex: number } | undefined;
  }[] = [
    {
      name: "all acknowledged: applied, nothing more to ask",
      ack: { powerAck: true, dataRateAck: true, channelMaskAck: true },
      event: "ns.mac.link_adr.answer.accept",
      rejectedDataRates: [],
      rejectedPowers: [],
      appliedDataRate: 5,
      nextRequest: undefined,
    },
    {
      name: "data rate refused: nothing applied, DR5 remembered, power asked alone",
      ack: { powerAck: true, dataRateAck: false, channelMaskAck: true },
      event: "ns.mac.link_adr.answer.reject",
      rejectedDataRates: [5],
      rejectedPowers: [],
      appliedDataRate: 0,
      nextRequest: { dataRateIndex: 0, txPowerIndex: 2 },
    },
    {
      name: "power refused: nothing applied, power 2 remembered, data rate asked alone",
      ack: { powerAck: false, dataRateAck: true, channelMaskAck: true },
      event: "ns.mac.link_adr.answer.reject",
      rejectedDataRates: [],
      rejectedPowers: [2],
      appliedDataRate: 0,
      nextRequest: { dataRateIndex: 5, txPowerIndex: 0 },
    },
    {
      name: "both refused: nothing left to ask",
      ack: { powerAck: false, dataRateAck: false, channelMaskAck: true },
      event: "ns.mac.link_adr.answer.reject",
      rejectedDataRates: [5],
      rejectedPowers: [2],
      appliedDataRate: 0,
      nextRequest: undefined,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const macState = settledState();
      const desired = macState.desiredParameters;
      assert.ok(desired);
      desired.adrDataRateIndex = 5;
      desired.adrTxPowerIndex = 2;
      const down = enqueueDownlinkCommands({ macState }, { downlink: 15 }, downlinkContext());
      assert.deepEqual(
        down.commands.map((c) => c.name),
        ["LinkADRReq"],
      );
      assert.deepEqual(names(down.events), ["ns.mac.link_adr.request"]);
      const up = handleUplinkCommands(
        down.state,
        [{ cid: 0x03, name: "LinkADRAns", ...row.ack }],
        uplinkContext(),
      );
      assert.deepEqual(names(up.events), [row.event]);
      const state = up.state.macState;
      assert.deepEqual(state.rejectedAdrDataRateIndexes, row.rejectedDataRates);
      assert.deepEqual(state.rejectedAdrTxPowerIndexes, row.rejectedPowers);
      assert.equal(state.currentParameters?.adrDataRateIndex, row.appliedDataRate);
      assert.equal(state.pendingRequests.length, 0);
      const next = enqueueDownlinkCommands(up.state, { downlink: 15 }, downlinkContext());
      const request = next.commands.find((c) => c.name === "LinkADRReq");
      if (row.nextRequest === undefined) assert.equal(request, undefined);
      else {
        assert.ok(request?.name === "LinkADRReq");
        assert.equal(request.dataRateIndex, row.nextRequest.dataRateIndex);
        assert.equal(request.txPowerIndex, row.nextRequest.txPowerIndex);
      }
    });
  }
});

describe("scenario: DevStatus periodicity", () => {
  const hour = 60 * 60 * 1000;
  const rows: {
    name: string;
    lastReceivedAt: Date | undefined;
    lastDevStatusFCntUp: number;
    lastFCntUp: number;
    countPeriodicity?: number;
    timePeriodicitySeconds?: number;
    due: boolean;
  }[] = [
    {
      name: "never reported: due",
      lastReceivedAt: undefined,
      lastDevStatusFCntUp: 0,
      lastFCntUp: 1,
      due: true,
    },
    {
      name: "recent, few uplinks: not due",
      lastReceivedAt: at,
      lastDevStatusFCntUp: 10,
      lastFCntUp: 11,
      due: false,
    },
    {
      name: "200 uplinks since (default count): due",
      lastReceivedAt: at,
      lastDevStatusFCntUp: 10,
      lastFCntUp: 210,
      due: true,
    },
    {
      name: "199 uplinks since: not due",
      lastReceivedAt: at,
      lastDevStatusFCntUp: 10,
      lastFCntUp: 209,
      due: false,
    },
    {
      name: "24 hours since (default time): due",
      lastReceivedAt: new Date(at.getTime() - 24 * hour),
      lastDevStatusFCntUp: 10,
      lastFCntUp: 11,
      due: true,
    },
    {
      name: "count periodicity 5 from settings: due",
      lastReceivedAt: at,
      lastDevStatusFCntUp: 10,
      lastFCntUp: 15,
      countPeriodicity: 5,
      due: true,
    },
    {
      name: "time periodicity 1 h from settings: due",
      lastReceivedAt: new Date(at.getTime() - hour),
      lastDevStatusFCntUp: 10,
      lastFCntUp: 11,
      timePeriodicitySeconds: 3600,
      due: true,
    },
    {
      name: "both periodicities 0: never",
      lastReceivedAt: undefined,
      lastDevStatusFCntUp: 0,
      lastFCntUp: 1000,
      countPeriodicity: 0,
      timePeriodicitySeconds: 0,
      due: false,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { create } = await import("@bufbuild/protobuf");
      const { MACSettingsSchema } = await import("../../gen/ttn/lorawan/v3/end_device_pb.js");
      const { DurationSchema } = await import("@bufbuild/protobuf/wkt");
      const macState = settledState();
      macState.lastDevStatusFCntUp = row.lastDevStatusFCntUp;
      const macSettings = create(MACSettingsSchema, {
        ...(row.countPeriodicity !== undefined
          ? { statusCountPeriodicity: row.countPeriodicity }
          : {}),
        ...(row.timePeriodicitySeconds !== undefined
          ? {
              statusTimePeriodicity: create(DurationSchema, {
                seconds: BigInt(row.timePeriodicitySeconds),
              }),
            }
          : {}),
      });
      const down = enqueueDownlinkCommands(
        { macState },
        { downlink: 15 },
        downlinkContext({
          lastDevStatusReceivedAt: row.lastReceivedAt,
          lastFCntUp: row.lastFCntUp,
          macSettings,
        }),
      );
      assert.deepEqual(
        down.commands.map((c) => c.name),
        row.due ? ["DevStatusReq"] : [],
      );
    });
  }

  it("the answer sets battery and margin for the device and the FCnt of the report", () => {
    const macState = settledState();
    const down = enqueueDownlinkCommands(
      { macState },
      { downlink: 15 },
      downlinkContext({ lastDevStatusReceivedAt: undefined }),
    );
    const up = handleUplinkCommands(
      down.state,
      [{ cid: 0x06, name: "DevStatusAns", battery: 128, margin: -3 }],
      uplinkContext({ fCntUp: 42 }),
    );
    assert.deepEqual(names(up.events), ["ns.mac.dev_status.answer"]);
    assert.equal(up.state.macState.lastDevStatusFCntUp, 42);
    assert.equal(up.effects.devStatus?.downlinkMargin, -3);
    assert.equal(up.effects.devStatus?.batteryPercentage, 127 / 253);
    assert.equal(up.effects.devStatus?.receivedAt, at);
  });
});

describe("scenario: a request retried and given up", () => {
  it("is sent again after each unanswered uplink and given up after the limit", () => {
    const macState = settledState();
    const desired = macState.desiredParameters;
    assert.ok(desired);
    desired.rx1Delay = 5;
    let state: MacLayerState = { macState };
    const sent: string[][] = [];
    const events: string[][] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const down = enqueueDownlinkCommands(state, { downlink: 15 }, downlinkContext());
      sent.push(down.commands.map((c) => c.name));
      const up = handleUplinkCommands(down.state, [], uplinkContext({ maxRequestAttempts: 3 }));
      events.push(names(up.events));
      state = up.state;
    }
    assert.deepEqual(sent, [["RXTimingSetupReq"], ["RXTimingSetupReq"], ["RXTimingSetupReq"], []]);
    assert.deepEqual(events, [[], [], ["ns.mac.request.give_up"], []]);
    assert.equal(state.macState.pendingRequests.length, 0);
  });

  it("an answer clears the count", () => {
    const macState = settledState();
    const desired = macState.desiredParameters;
    assert.ok(desired);
    desired.maxDutyCycle = 3;
    const down1 = enqueueDownlinkCommands({ macState }, { downlink: 15 }, downlinkContext());
    const up1 = handleUplinkCommands(down1.state, [], uplinkContext());
    assert.equal(up1.state.unanswered?.[0x04], 1);
    const down2 = enqueueDownlinkCommands(up1.state, { downlink: 15 }, downlinkContext());
    const up2 = handleUplinkCommands(
      down2.state,
      [{ cid: 0x04, name: "DutyCycleAns" }],
      uplinkContext(),
    );
    assert.equal(up2.state.unanswered?.[0x04], undefined);
    assert.equal(up2.state.macState.currentParameters?.maxDutyCycle, 3);
  });

  it("an answer without request is dropped with an event", () => {
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x04, name: "DutyCycleAns" }],
      uplinkContext(),
    );
    assert.deepEqual(names(up.events), ["ns.mac.answer.drop"]);
    assert.deepEqual(up.events[0]?.data, { command: "DutyCycleAns", reason: "no pending request" });
  });
});

describe("scenario: answers first in the budget", () => {
  const rows: {
    name: string;
    budget: number;
    expected: string[];
    complete: boolean;
  }[] = [
    {
      name: "FOpts: both answers, then the requests that fit",
      budget: 15,
      // LinkCheckAns 3 + DeviceTimeAns 6 = 9; DutyCycleReq 2 + RXParamSetupReq 5 = 16 > 6 left.
      expected: ["LinkCheckAns", "DeviceTimeAns", "DutyCycleReq", "DevStatusReq"],
      complete: false,
    },
    {
      name: "FRMPayload: everything",
      budget: 51,
      expected: [
        "LinkCheckAns",
        "DeviceTimeAns",
        "DutyCycleReq",
        "RXParamSetupReq",
        "DevStatusReq",
      ],
      complete: true,
    },
    {
      name: "too small for the second answer: stop there",
      budget: 5,
      expected: ["LinkCheckAns"],
      complete: false,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const macState = settledState();
      const desired = macState.desiredParameters;
      assert.ok(desired);
      desired.maxDutyCycle = 2;
      desired.rx2DataRateIndex = 3;
      const uplink: UplinkMacCommand[] = [
        { cid: 0x02, name: "LinkCheckReq" },
        { cid: 0x0d, name: "DeviceTimeReq" },
      ];
      const up = handleUplinkCommands({ macState }, uplink, uplinkContext());
      const down = enqueueDownlinkCommands(
        up.state,
        { downlink: row.budget },
        downlinkContext({ lastDevStatusReceivedAt: undefined }),
      );
      assert.deepEqual(
        down.commands.map((c: DownlinkMacCommand) => c.name),
        row.expected,
      );
      assert.equal(down.complete, row.complete);
      assert.equal(down.state.macState.queuedResponses.length, 0);
      assert.deepEqual(
        pendingRequests(down.state.macState).map((c) => c.name),
        row.expected.filter((n) => n.endsWith("Req")),
      );
    });
  }
});

describe("scenario: LoRaWAN 1.1 ResetInd and RekeyInd", () => {
  it("ResetInd of an ABP device resets the MAC state and confirms", () => {
    const macState = settledState(undefined, MACVersion.MAC_V1_1);
    const desired = macState.desiredParameters;
    assert.ok(desired);
    desired.maxDutyCycle = 2;
    const down = enqueueDownlinkCommands({ macState }, { downlink: 15 }, downlinkContext());
    const fresh = settledState(undefined, MACVersion.MAC_V1_0_4);
    const up = handleUplinkCommands(
      down.state,
      [{ cid: 0x01, name: "ResetInd", minorVersion: 1 }],
      uplinkContext({ supportsJoin: false, initialState: () => fresh }),
    );
    assert.deepEqual(names(up.events), ["ns.mac.reset.indication", "ns.mac.reset.confirmation"]);
    assert.equal(up.effects.macStateReset, true);
    assert.equal(up.state.macState.lorawanVersion, MACVersion.MAC_V1_1);
    assert.equal(up.state.macState.pendingRequests.length, 0);
    assert.deepEqual(up.state.unanswered, {});
    const next = enqueueDownlinkCommands(up.state, { downlink: 15 }, downlinkContext());
    assert.deepEqual(next.commands, [{ cid: 0x01, name: "ResetConf", minorVersion: 1 }]);
  });

  it("ResetInd of an OTAA device is reported and not answered", () => {
    const up = handleUplinkCommands(
      { macState: settledState(undefined, MACVersion.MAC_V1_1) },
      [{ cid: 0x01, name: "ResetInd", minorVersion: 1 }],
      uplinkContext({ supportsJoin: true }),
    );
    assert.deepEqual(names(up.events), ["ns.mac.reset.indication"]);
    assert.equal(up.state.macState.queuedResponses.length, 0);
  });

  it("RekeyInd activates the pending session and confirms with minor version 1", () => {
    const up = handleUplinkCommands(
      { macState: settledState(undefined, MACVersion.MAC_V1_1) },
      [{ cid: 0x0b, name: "RekeyInd", minorVersion: 1 }],
      uplinkContext({ supportsJoin: true }),
    );
    assert.deepEqual(names(up.events), ["ns.mac.rekey.indication", "ns.mac.rekey.confirmation"]);
    assert.equal(up.effects.activatePendingSession, true);
    const next = enqueueDownlinkCommands(up.state, { downlink: 15 }, downlinkContext());
    assert.deepEqual(next.commands, [{ cid: 0x0b, name: "RekeyConf", minorVersion: 1 }]);
  });

  it("RekeyInd of an ABP device changes nothing", () => {
    const up = handleUplinkCommands(
      { macState: settledState(undefined, MACVersion.MAC_V1_1) },
      [{ cid: 0x0b, name: "RekeyInd", minorVersion: 1 }],
      uplinkContext({ supportsJoin: false }),
    );
    assert.equal(up.effects.activatePendingSession, undefined);
    assert.equal(up.state.macState.queuedResponses.length, 0);
  });
});

// The MAC state of a new session per band and activation, and its agreement with the MAC layer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type EndDevice,
  EndDeviceSchema,
  type MACParameters,
  type MACParameters_Channel,
  type MACSettings,
  MACSettingsSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  Class,
  DataRateOffset,
  DeviceEIRP,
  MACVersion,
  RxDelay,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type Band, getBand } from "../../lorawan/band/index.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { enqueueDownlinkCommands } from "./downlink.ts";
import { errClassAMulticast, newMacState } from "./new-state.ts";
import { downlinkContext, settledState } from "./testing.ts";

const MHz = (value: number) => BigInt(Math.round(value * 1_000_000));

function device(overrides: MessageInitShape<typeof EndDeviceSchema> = {}): EndDevice {
  return create(EndDeviceSchema, {
    frequencyPlanId: "EU_863_870",
    lorawanVersion: MACVersion.MAC_V1_0_3,
    supportsJoin: true,
    ...overrides,
  });
}

/** The NS's configured defaults: only a desired RX1 delay, as TTS deployments set it. */
const configured: MACSettings = create(MACSettingsSchema, {
  desiredRx1Delay: { value: RxDelay.RX_DELAY_5 },
});

/** Uplink frequencies of the enabled channels, in MHz. */
const enabled = (parameters: MACParameters | undefined) =>
  (parameters?.channels ?? [])
    .filter((channel) => channel.enableUplink)
    .map((channel) => Number(channel.uplinkFrequency) / 1e6);

/** Indices of the enabled channels. */
const enabledIndices = (channels: readonly Pick<MACParameters_Channel, "enableUplink">[]) =>
  channels.flatMap((channel, i) => (channel.enableUplink ? [i] : []));

const eu868 = getBand("EU_863_870", "RP002-1.0.3");
const us915 = getBand("US_902_928", "RP002-1.0.3");

describe("newMacState: current and desired parameters", () => {
  const rows: {
    name: string;
    device: EndDevice;
    plan: string;
    band: Band;
    check: (state: ReturnType<typeof newMacState>) => void;
  }[] = [
    {
      name: "EU868 OTAA: 3 default channels now, the plan's 8 desired; band RX2 now, plan RX2 desired",
      device: device(),
      plan: "EU_863_870_TTN",
      band: eu868,
      check: ({ currentParameters: current, desiredParameters: desired, ...state }) => {
        assert.equal(state.deviceClass, Class.A);
        assert.equal(state.lorawanVersion, MACVersion.MAC_V1_0_3);
        assert.deepEqual(enabled(current), [868.1, 868.3, 868.5]);
        assert.equal(current?.channels.length, 3);
        assert.equal(current?.rx2Frequency, MHz(869.525));
        assert.equal(current?.rx2DataRateIndex, 0);
        assert.equal(current?.rx1Delay, 1);
        assert.equal(current?.rx1DataRateOffset, 0);
        assert.equal(current?.maxEirp, 16);
        assert.deepEqual(
          [current?.adrDataRateIndex, current?.adrTxPowerIndex, current?.adrNbTrans],
          [0, 0, 1],
        );
        assert.equal(current?.adrAckLimitExponent?.value, 6); // 64
        assert.equal(current?.adrAckDelayExponent?.value, 5); // 32
        assert.equal(current?.pingSlotFrequency, MHz(869.525));
        assert.equal(current?.pingSlotDataRateIndexValue?.value, 3);
        // EU868 has no TxParamSetupReq: no dwell time to steer.
        assert.equal(current?.uplinkDwellTime, undefined);
        assert.equal(desired?.uplinkDwellTime, undefined);
        assert.deepEqual(
          enabled(desired),
          [868.1, 868.3, 868.5, 867.1, 867.3, 867.5, 867.7, 867.9],
        );
        assert.equal(desired?.channels.length, 8);
        assert.deepEqual(
          desired?.channels.map((c) => [c.minDataRateIndex, c.maxDataRateIndex]),
          Array(8).fill([0, 5]),
        );
        assert.equal(desired?.channels[3]?.downlinkFrequency, MHz(867.1));
        assert.equal(desired?.rx2Frequency, MHz(869.525));
        assert.equal(desired?.rx2DataRateIndex, 3);
        assert.equal(desired?.rx1Delay, RxDelay.RX_DELAY_5);
        assert.equal(desired?.maxEirp, 16);
        assert.equal(desired?.adrAckLimitExponent?.value, 6);
      },
    },
    {
      name: "EU868 ABP: factory preset frequencies and the device's RX settings are current",
      device: device({
        supportsJoin: false,
        macSettings: {
          factoryPresetFrequencies: [MHz(868.1), MHz(868.3), MHz(867.1)],
          rx1Delay: { value: RxDelay.RX_DELAY_2 },
          rx1DataRateOffset: { value: DataRateOffset.DATA_RATE_OFFSET_1 },
          rx2DataRateIndex: { value: 3 },
          rx2Frequency: { value: MHz(869.525) },
          desiredRx2DataRateIndex: { value: 0 },
          desiredRx1DataRateOffset: { value: DataRateOffset.DATA_RATE_OFFSET_2 },
          desiredMaxEirp: { value: DeviceEIRP.DEVICE_EIRP_14 },
        },
      }),
      plan: "EU_863_870",
      band: eu868,
      check: ({ currentParameters: current, desiredParameters: desired }) => {
        // 868.5 is a default channel the device was not given; 867.1 is added, DR0–DR5.
        assert.deepEqual(enabled(current), [868.1, 868.3, 867.1]);
        assert.equal(current?.channels.length, 4);
        assert.equal(current?.channels[2]?.enableUplink, false);
        assert.deepEqual(
          [current?.channels[3]?.minDataRateIndex, current?.channels[3]?.maxDataRateIndex],
          [0, 5],
        );
        assert.equal(current?.rx1Delay, RxDelay.RX_DELAY_2);
        assert.equal(current?.rx1DataRateOffset, 1);
        assert.equal(current?.rx2DataRateIndex, 3);
        assert.equal(current?.rx2Frequency, MHz(869.525));
        // Desired: the device's desired_* first, then the plan.
        assert.equal(desired?.rx2DataRateIndex, 0);
        assert.equal(desired?.rx1DataRateOffset, 2);
        assert.equal(desired?.maxEirp, 14);
        assert.equal(desired?.rx1Delay, RxDelay.RX_DELAY_5);
        assert.deepEqual(
          enabled(desired),
          [868.1, 868.3, 868.5, 867.1, 867.3, 867.5, 867.7, 867.9],
        );
      },
    },
    {
      name: "US915 FSB2: all 72 channels now; channels 8–15 and 65 desired",
      device: device({ frequencyPlanId: "US_902_928_FSB_2" }),
      plan: "US_902_928_FSB_2",
      band: us915,
      check: ({ currentParameters: current, desiredParameters: desired }) => {
        assert.equal(current?.channels.length, 72);
        assert.deepEqual(
          enabledIndices(current?.channels ?? []),
          Array.from({ length: 72 }, (_, i) => i),
        );
        // RX1 of channel i is downlink channel i mod 8.
        assert.equal(current?.channels[9]?.downlinkFrequency, MHz(923.9));
        assert.equal(current?.rx2Frequency, MHz(923.3));
        assert.equal(current?.rx2DataRateIndex, 8);
        assert.equal(current?.maxEirp, 30);
        assert.equal(desired?.channels.length, 72);
        assert.deepEqual(
          enabledIndices(desired?.channels ?? []),
          [8, 9, 10, 11, 12, 13, 14, 15, 65],
        );
        assert.deepEqual(
          [desired?.channels[65]?.minDataRateIndex, desired?.channels[65]?.maxDataRateIndex],
          [4, 4],
        );
        assert.equal(desired?.rx2Frequency, MHz(923.3));
        assert.equal(desired?.rx2DataRateIndex, 8);
        // US915 has no TxParamSetupReq: the plan's dwell time is the gateways', not steered.
        assert.equal(desired?.uplinkDwellTime, undefined);
        assert.equal(current?.uplinkDwellTime, undefined);
        // Hopping ping slot frequencies: none fixed.
        assert.equal(current?.pingSlotFrequency, 0n);
      },
    },
    {
      name: "AS923 (RP002-1.0.3): no boot dwell time; the plan leaves it, so both limited desired",
      device: device({ frequencyPlanId: "AS_923" }),
      plan: "AS_923",
      band: getBand("AS_923", "RP002-1.0.3"),
      check: ({ currentParameters: current, desiredParameters: desired }) => {
        assert.equal(current?.uplinkDwellTime, undefined);
        assert.equal(current?.downlinkDwellTime, undefined);
        assert.equal(desired?.uplinkDwellTime?.value, true);
        assert.equal(desired?.downlinkDwellTime?.value, true);
        assert.deepEqual(enabled(current), [923.2, 923.4]);
        assert.equal(current?.rx2DataRateIndex, 2);
        assert.equal(current?.maxEirp, 16);
        assert.equal(desired?.maxEirp, 16);
      },
    },
    {
      name: "AS923 (RP002-1.0.1): boots limited uplink only; the AU plan wants no dwell time, 16 dBm",
      device: device({ frequencyPlanId: "AS_923_925_TTN_AU" }),
      plan: "AS_923_925_TTN_AU",
      band: getBand("AS_923", "RP002-1.0.1"),
      check: ({ currentParameters: current, desiredParameters: desired }) => {
        assert.equal(current?.uplinkDwellTime?.value, true);
        assert.equal(current?.downlinkDwellTime?.value, false);
        assert.equal(desired?.uplinkDwellTime?.value, false);
        assert.equal(desired?.downlinkDwellTime?.value, false);
        // The plan's 30 dBm is above the band's 16: the band's stays.
        assert.equal(desired?.maxEirp, 16);
        assert.equal(enabled(desired).length, 8);
      },
    },
    {
      name: "AS923 ABP: the device's own dwell time setting is current",
      device: device({
        frequencyPlanId: "AS_923",
        supportsJoin: false,
        macSettings: { uplinkDwellTime: { value: false }, downlinkDwellTime: { value: false } },
      }),
      plan: "AS_923",
      band: getBand("AS_923", "RP002-1.0.1"),
      check: ({ currentParameters: current }) => {
        assert.equal(current?.uplinkDwellTime?.value, false);
        assert.equal(current?.downlinkDwellTime?.value, false);
      },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      row.check(
        newMacState(row.device, { plan: getFrequencyPlan(row.plan), band: row.band }, configured),
      );
    });
  }
});

describe("newMacState: class and version", () => {
  const rows: {
    name: string;
    device: MessageInitShape<typeof EndDeviceSchema>;
    deviceClass: Class;
    version: MACVersion;
  }[] = [
    {
      name: "1.0.3 class C: C at once (no DeviceModeInd before 1.1)",
      device: { supportsClassC: true },
      deviceClass: Class.C,
      version: MACVersion.MAC_V1_0_3,
    },
    {
      name: "1.1 class C: A until DeviceModeInd",
      device: { supportsClassC: true, lorawanVersion: MACVersion.MAC_V1_1 },
      deviceClass: Class.A,
      version: MACVersion.MAC_V1_1,
    },
    {
      name: "1.0.4 class B: A",
      device: { supportsClassB: true, lorawanVersion: MACVersion.MAC_V1_0_4 },
      deviceClass: Class.A,
      version: MACVersion.MAC_V1_0_4,
    },
    {
      name: "multicast class B (1.1): B",
      device: { multicast: true, supportsClassB: true, lorawanVersion: MACVersion.MAC_V1_1 },
      deviceClass: Class.B,
      version: MACVersion.MAC_V1_1,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const state = newMacState(
        device(row.device),
        { plan: getFrequencyPlan("EU_863_870"), band: eu868 },
        configured,
      );
      assert.equal(state.deviceClass, row.deviceClass);
      assert.equal(state.lorawanVersion, row.version);
    });
  }

  it("refuses a multicast group of class A", () => {
    assert.throws(
      () =>
        newMacState(
          device({ multicast: true, lorawanVersion: MACVersion.MAC_V1_1 }),
          { plan: getFrequencyPlan("EU_863_870"), band: eu868 },
          configured,
        ),
      (error) => errClassAMulticast.matches(error),
    );
  });

  it("a multicast group: downlink frequencies only, and desired is current (a copy)", () => {
    const state = newMacState(
      device({ multicast: true, supportsClassC: true, lorawanVersion: MACVersion.MAC_V1_1 }),
      { plan: getFrequencyPlan("EU_863_870"), band: eu868 },
      configured,
    );
    const current = state.currentParameters;
    assert.deepEqual(
      current?.channels.map((c) => [c.uplinkFrequency, c.downlinkFrequency, c.enableUplink]),
      [
        [0n, MHz(868.1), false],
        [0n, MHz(868.3), false],
        [0n, MHz(868.5), false],
      ],
    );
    assert.deepEqual(state.desiredParameters, current);
    assert.notEqual(state.desiredParameters, current);
  });
});

describe("newMacState and the MAC layer", () => {
  const plan = getFrequencyPlan("EU_863_870");

  it("the current parameters are testing.ts's settled EU868 state", () => {
    const state = newMacState(device(), { plan, band: eu868 }, create(MACSettingsSchema));
    const settled = settledState(eu868).currentParameters;
    for (const field of [
      "maxEirp",
      "adrNbTrans",
      "rx1Delay",
      "rx2DataRateIndex",
      "rx2Frequency",
      "channels",
    ] as const) {
      assert.deepEqual(state.currentParameters?.[field], settled?.[field], field);
    }
  });

  it("an EU868 session asks for the plan's 5 extra channels and the desired RX1 delay", () => {
    const macState = newMacState(device(), { plan, band: eu868 }, configured);
    const { commands } = enqueueDownlinkCommands(
      { macState },
      { downlink: 51, uplink: 51 },
      downlinkContext(),
    );
    const names = commands.map((command) => command.name);
    assert.deepEqual(
      names.filter((name) => name === "NewChannelReq"),
      Array(5).fill("NewChannelReq"),
    );
    assert.ok(names.includes("RXTimingSetupReq"), names.join());
    assert.ok(!names.includes("RXParamSetupReq"), "EU_863_870's RX2 is the band's");
  });

  it("a US915 FSB2 session asks for nothing but the channel mask (LinkADRReq)", () => {
    const macState = newMacState(
      device({ frequencyPlanId: "US_902_928_FSB_2" }),
      { plan: getFrequencyPlan("US_902_928_FSB_2"), band: us915 },
      create(MACSettingsSchema),
    );
    const { commands } = enqueueDownlinkCommands(
      { macState },
      { downlink: 51, uplink: 51 },
      downlinkContext({ band: us915 }),
    );
    // RP002 bank control: ChMaskCntl 5 with bank 1 on is channels 8–15 and 65.
    assert.equal(commands.length, 1);
    const [command] = commands;
    assert.equal(command?.name, "LinkADRReq");
    if (command?.name !== "LinkADRReq") return;
    assert.equal(command.chMaskCntl, 5);
    assert.deepEqual(enabledIndices(command.chMask.map((on) => ({ enableUplink: on }))), [1]);
  });

  it("a state whose desired parameters equal its current ones asks for nothing", () => {
    const macState = newMacState(device(), { plan, band: eu868 }, create(MACSettingsSchema));
    macState.desiredParameters = macState.currentParameters;
    const { commands } = enqueueDownlinkCommands(
      { macState },
      { downlink: 51, uplink: 51 },
      downlinkContext(),
    );
    assert.deepEqual(
      commands.map((command) => command.name),
      [],
    );
  });
});

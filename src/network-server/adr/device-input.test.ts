import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ADRSettingsSchema, MACStateSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { latestBand } from "../../lorawan/band/index.ts";
import { dataRateMessage } from "../downlink/data-rate.ts";
import { adaptDataRate } from "./adapt.ts";
import { adrInputFromMacState } from "./device-input.ts";

const eu868 = latestBand("EU_863_870");
assert.ok(eu868);

function uplink(fCnt: number, dataRateIndex: number, snrs: number[], mType = MType.UNCONFIRMED_UP) {
  return {
    payload: {
      mHdr: { mType },
      payload: {
        case: "macPayload" as const,
        value: { fullFCnt: fCnt, fHdr: { fCtrl: { adrAckReq: false } } },
      },
    },
    settings: { dataRate: dataRateMessage(eu868 as NonNullable<typeof eu868>, dataRateIndex) },
    rxMetadata: snrs.map((snr) => ({ snr, channelRssi: -100 })),
  };
}

const channels = [0, 1, 2].map(() => ({
  minDataRateIndex: 0,
  maxDataRateIndex: 5,
  enableUplink: true,
}));

describe("ADR input from the MAC state", () => {
  it("reads uplinks, parameters, channels, rejections and settings", () => {
    const macState = create(MACStateSchema, {
      currentParameters: { adrDataRateIndex: 0, adrTxPowerIndex: 0, adrNbTrans: 1, channels },
      desiredParameters: { adrDataRateIndex: 0, adrTxPowerIndex: 0, adrNbTrans: 1, channels },
      recentUplinks: [
        uplink(1, 0, [2, 8]),
        uplink(2, 0, [], MType.JOIN_REQUEST),
        uplink(3, 0, [-3]),
      ],
      rejectedAdrDataRateIndexes: [4],
      lastAdrChangeFCntUp: 0,
    });
    const adr = create(ADRSettingsSchema, {
      mode: { case: "dynamic", value: { margin: 15, maxNbTrans: 2 } },
    });
    const input = adrInputFromMacState(macState, adr, eu868);
    assert.deepEqual(
      input.uplinks.map((up) => [up.fCnt, up.dataRateIndex, up.maxSnr, up.gatewayCount]),
      [
        [1, 0, 8, 2],
        [3, 0, -3, 1],
      ],
    );
    assert.deepEqual(input.channelDataRates, { min: 0, max: 5 });
    assert.deepEqual(input.rejectedDataRateIndexes, [4]);
    assert.equal(input.settings.mode, "dynamic");
    assert.equal(input.settings.mode === "dynamic" && input.settings.maxNbTrans, 2);
    // 8 + 20 − 15 − 2.5 = 10.5 dB: DR4 is rejected, so DR3 and one power step.
    assert.deepEqual(adaptDataRate(input), { dataRateIndex: 3, txPowerIndex: 1, nbTrans: 1 });
  });

  it("modes: static, disabled, and dynamic by default where the band allows it", () => {
    const macState = create(MACStateSchema, { currentParameters: { channels } });
    const staticMode = create(ADRSettingsSchema, {
      mode: { case: "static", value: { dataRateIndex: 2, txPowerIndex: 1, nbTrans: 3 } },
    });
    assert.deepEqual(adrInputFromMacState(macState, staticMode, eu868).settings, {
      mode: "static",
      dataRateIndex: 2,
      txPowerIndex: 1,
      nbTrans: 3,
    });
    const disabled = create(ADRSettingsSchema, { mode: { case: "disabled", value: {} } });
    assert.deepEqual(adrInputFromMacState(macState, disabled, eu868).settings, {
      mode: "disabled",
    });
    assert.deepEqual(adrInputFromMacState(macState, undefined, eu868).settings, {
      mode: "dynamic",
    });
  });

  it("a device without enabled uplink channels gets no data rate range", () => {
    const macState = create(MACStateSchema, {
      currentParameters: { channels: [{ maxDataRateIndex: 5, enableUplink: false }] },
      recentUplinks: [uplink(1, 0, [10])],
    });
    const input = adrInputFromMacState(macState, undefined, eu868);
    assert.deepEqual(input.channelDataRates, { min: 0, max: -1 });
    assert.equal(adaptDataRate(input), undefined);
  });
});

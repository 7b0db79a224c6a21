import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventNames, exchange, settledState } from "./testing.ts";

describe("RXParamSetupReq", () => {
  const rows = [
    {
      name: "all acknowledged: applied",
      acks: [true, true, true],
      event: "ns.mac.rx_param_setup.answer.accept",
      applied: true,
    },
    {
      name: "frequency refused: nothing applied",
      acks: [true, true, false],
      event: "ns.mac.rx_param_setup.answer.reject",
      applied: false,
    },
    {
      name: "data rate refused: nothing applied",
      acks: [true, false, true],
      event: "ns.mac.rx_param_setup.answer.reject",
      applied: false,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const macState = settledState();
      const desired = macState.desiredParameters;
      assert.ok(desired);
      desired.rx1DataRateOffset = 2;
      desired.rx2DataRateIndex = 3;
      desired.rx2Frequency = 869_525_000n;
      const [offsetAck, dataRateAck, frequencyAck] = row.acks;
      const { down, up } = exchange(macState, [
        {
          cid: 0x05,
          name: "RXParamSetupAns",
          rx1DataRateOffsetAck: offsetAck === true,
          rx2DataRateIndexAck: dataRateAck === true,
          rx2FrequencyAck: frequencyAck === true,
        },
      ]);
      assert.deepEqual(down.commands, [
        {
          cid: 0x05,
          name: "RXParamSetupReq",
          rx1DataRateOffset: 2,
          rx2DataRateIndex: 3,
          rx2Frequency: 869_525_000,
        },
      ]);
      assert.deepEqual(eventNames(up.events), [row.event]);
      const current = up.state.macState.currentParameters;
      assert.equal(current?.rx2DataRateIndex, row.applied ? 3 : 0);
      assert.equal(current?.rx1DataRateOffset, row.applied ? 2 : 0);
    });
  }
});

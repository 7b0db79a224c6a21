import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Class, DataRateIndexValueSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eventNames, exchange, settledState } from "./testing.ts";

function wanting(deviceClass = Class.B) {
  const macState = settledState();
  macState.deviceClass = deviceClass;
  const desired = macState.desiredParameters;
  assert.ok(desired);
  desired.pingSlotFrequency = 869_525_000n;
  desired.pingSlotDataRateIndexValue = create(DataRateIndexValueSchema, { value: 3 });
  return macState;
}

describe("PingSlotChannelReq", () => {
  const rows = [
    {
      name: "both acknowledged: applied",
      frequencyAck: true,
      dataRateAck: true,
      event: "ns.mac.ping_slot_channel.answer.accept",
    },
    {
      name: "data rate refused: nothing applied",
      frequencyAck: true,
      dataRateAck: false,
      event: "ns.mac.ping_slot_channel.answer.reject",
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { down, up } = exchange(wanting(), [
        {
          cid: 0x11,
          name: "PingSlotChannelAns",
          frequencyAck: row.frequencyAck,
          dataRateAck: row.dataRateAck,
        },
      ]);
      assert.deepEqual(down.commands, [
        { cid: 0x11, name: "PingSlotChannelReq", frequency: 869_525_000, dataRateIndex: 3 },
      ]);
      assert.deepEqual(eventNames(up.events), [row.event]);
      const accepted = row.frequencyAck && row.dataRateAck;
      assert.equal(
        up.state.macState.currentParameters?.pingSlotFrequency,
        accepted ? 869_525_000n : 0n,
      );
    });
  }

  it("only to class B devices, and only in a class A downlink", () => {
    assert.deepEqual(exchange(wanting(Class.A), []).down.commands, []);
    assert.deepEqual(exchange(wanting(), [], { classA: false }).down.commands, []);
  });
});

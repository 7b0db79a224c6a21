import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { MACParameters_ChannelSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { eventNames, exchange, settledState, us915 } from "./testing.ts";

function wantingChannel(frequency: bigint) {
  const macState = settledState();
  macState.desiredParameters?.channels.push(
    create(MACParameters_ChannelSchema, {
      uplinkFrequency: frequency,
      downlinkFrequency: frequency,
      minDataRateIndex: 0,
      maxDataRateIndex: 5,
      enableUplink: true,
    }),
  );
  return macState;
}

describe("NewChannelReq", () => {
  it("creates a desired channel and enables it on the answer", () => {
    const { down, up } = exchange(wantingChannel(867_100_000n), [
      { cid: 0x07, name: "NewChannelAns", dataRateAck: true, frequencyAck: true },
    ]);
    assert.equal(down.commands[0]?.name, "NewChannelReq");
    assert.deepEqual(down.commands[0], {
      cid: 0x07,
      name: "NewChannelReq",
      chIndex: 3,
      frequency: 867_100_000,
      minDataRate: 0,
      maxDataRate: 5,
    });
    assert.deepEqual(eventNames(up.events).slice(0, 1), ["ns.mac.new_channel.answer.accept"]);
    const channel = up.state.macState.currentParameters?.channels[3];
    assert.equal(channel?.uplinkFrequency, 867_100_000n);
    assert.equal(channel?.enableUplink, true);
  });

  it("a refused frequency is remembered and not asked again", () => {
    const { up } = exchange(wantingChannel(867_100_000n), [
      { cid: 0x07, name: "NewChannelAns", dataRateAck: true, frequencyAck: false },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.new_channel.answer.reject"]);
    assert.deepEqual(up.state.macState.rejectedFrequencies, [867_100_000n]);
    assert.equal(up.state.macState.currentParameters?.channels.length, 3);
    const again = exchange(up.state.macState, []);
    assert.deepEqual(again.down.commands, []);
  });

  it("a refused data rate range is remembered", () => {
    const { up } = exchange(wantingChannel(867_300_000n), [
      { cid: 0x07, name: "NewChannelAns", dataRateAck: false, frequencyAck: true },
    ]);
    const ranges = up.state.macState.rejectedDataRateRanges["867300000"]?.ranges;
    assert.equal(ranges?.length, 1);
    assert.equal(ranges?.[0]?.maxDataRateIndex, 5);
    assert.deepEqual(exchange(up.state.macState, []).down.commands, []);
  });

  it("is not sent in a fixed-channel band", () => {
    const macState = settledState(us915);
    macState.desiredParameters?.channels.push(
      create(MACParameters_ChannelSchema, { uplinkFrequency: 1n }),
    );
    assert.equal(
      exchange(macState, []).down.commands.filter((c) => c.name === "NewChannelReq").length,
      0,
    );
  });
});

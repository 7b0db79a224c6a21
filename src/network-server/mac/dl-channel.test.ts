import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { eu868, eventNames, exchange, settledState } from "./testing.ts";

function wanting(version = MACVersion.MAC_V1_0_3) {
  const macState = settledState(eu868, version);
  const channel = macState.desiredParameters?.channels[1];
  assert.ok(channel);
  channel.downlinkFrequency = 869_525_000n;
  return macState;
}

describe("DlChannelReq", () => {
  it("moves the RX1 frequency of an existing channel and applies it on the answer", () => {
    const { down, up } = exchange(wanting(), [
      { cid: 0x0a, name: "DlChannelAns", uplinkFrequencyExists: true, frequencyAck: true },
    ]);
    assert.deepEqual(down.commands, [
      { cid: 0x0a, name: "DlChannelReq", chIndex: 1, frequency: 869_525_000 },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.dl_channel.answer.accept"]);
    assert.equal(up.state.macState.currentParameters?.channels[1]?.downlinkFrequency, 869_525_000n);
  });

  it("a refused frequency is remembered", () => {
    const { up } = exchange(wanting(), [
      { cid: 0x0a, name: "DlChannelAns", uplinkFrequencyExists: true, frequencyAck: false },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.dl_channel.answer.reject"]);
    assert.deepEqual(up.state.macState.rejectedFrequencies, [869_525_000n]);
  });

  it("is not sent before LoRaWAN 1.0.2", () => {
    assert.deepEqual(exchange(wanting(MACVersion.MAC_V1_0_1), []).down.commands, []);
  });
});

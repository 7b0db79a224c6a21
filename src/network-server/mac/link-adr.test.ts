import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { LinkADRReq } from "../../lorawan/mac/index.ts";
import { eventNames, exchange, settledState, us915 } from "./testing.ts";

const ack = { powerAck: true, dataRateAck: true, channelMaskAck: true };

const onUS915 = { band: us915 };

/**
 * A US915 device on all 72 channels that should use the odd channels of 0–15 and channel 64:
 * no single ChMaskCntl reaches that, so the masks go as a block.
 */
function oddChannels(version = MACVersion.MAC_V1_0_3) {
  const macState = settledState(us915, version);
  macState.desiredParameters?.channels.forEach((channel, i) => {
    channel.enableUplink = (i < 16 && i % 2 === 1) || i === 64;
  });
  return macState;
}

describe("LinkADRReq", () => {
  it("is not needed when the device is where it should be", () => {
    assert.deepEqual(exchange(settledState(), []).down.commands, []);
  });

  it("US915 sub-band 2 takes one command (ChMaskCntl 5, bank 1)", () => {
    const macState = settledState(us915);
    macState.desiredParameters?.channels.forEach((channel, i) => {
      channel.enableUplink = (i >= 8 && i < 16) || i === 65;
    });
    const { down, up } = exchange(
      macState,
      [{ cid: 0x03, name: "LinkADRAns", ...ack }],
      onUS915,
      onUS915,
    );
    const request = down.commands[0];
    assert.ok(request?.name === "LinkADRReq" && down.commands.length === 1);
    assert.equal(request.chMaskCntl, 5);
    assert.deepEqual(
      request.chMask.flatMap((on, i) => (on ? [i] : [])),
      [1],
    );
    const enabled = up.state.macState.currentParameters?.channels.flatMap((c, i) =>
      c.enableUplink ? [i] : [],
    );
    assert.deepEqual(enabled, [8, 9, 10, 11, 12, 13, 14, 15, 65]);
  });

  it("a block: one answer per command applies the whole block", () => {
    const { down, up } = exchange(
      oddChannels(),
      [
        { cid: 0x03, name: "LinkADRAns", ...ack },
        { cid: 0x03, name: "LinkADRAns", ...ack },
      ],
      onUS915,
      onUS915,
    );
    const requests = down.commands.filter((c): c is LinkADRReq => c.name === "LinkADRReq");
    assert.deepEqual(
      requests.map((r) => r.chMaskCntl),
      [7, 0],
    );
    assert.deepEqual(
      eventNames(down.events),
      requests.map(() => "ns.mac.link_adr.request"),
    );
    // The repeated answer of the block is expected, not dropped.
    assert.deepEqual(eventNames(up.events), ["ns.mac.link_adr.answer.accept"]);
    const enabled = up.state.macState.currentParameters?.channels.flatMap((c, i) =>
      c.enableUplink ? [i] : [],
    );
    assert.deepEqual(enabled, [1, 3, 5, 7, 9, 11, 13, 15, 64]);
    assert.equal(up.state.macState.lastAdrChangeFCntUp, 10);
    assert.deepEqual(exchange(up.state.macState, [], onUS915, onUS915).down.commands, []);
  });

  it("a block is not sent to a LoRaWAN 1.0.1 device", () => {
    assert.deepEqual(exchange(oddChannels(MACVersion.MAC_V1_0_1), [], onUS915).down.commands, []);
  });

  it("a refused channel mask changes nothing and its new frequencies are not asked again", () => {
    const macState = settledState();
    const channels = macState.currentParameters?.channels;
    assert.ok(channels?.[2]);
    channels[2].enableUplink = false;
    const { up } = exchange(macState, [
      { cid: 0x03, name: "LinkADRAns", ...ack, channelMaskAck: false },
    ]);
    assert.deepEqual(eventNames(up.events), ["ns.mac.link_adr.answer.reject"]);
    assert.equal(up.state.macState.currentParameters?.channels[2]?.enableUplink, false);
    assert.deepEqual(up.state.macState.rejectedFrequencies, [868_500_000n]);
    assert.deepEqual(exchange(up.state.macState, []).down.commands, []);
  });

  it("NbTrans 0 keeps the current number of transmissions", () => {
    const macState = settledState();
    if (macState.desiredParameters) {
      macState.desiredParameters.adrNbTrans = 0;
      macState.desiredParameters.adrDataRateIndex = 3;
    }
    const { down, up } = exchange(macState, [{ cid: 0x03, name: "LinkADRAns", ...ack }]);
    const request = down.commands[0];
    assert.ok(request?.name === "LinkADRReq");
    assert.equal(request.nbTrans, 1);
    assert.equal(up.state.macState.currentParameters?.adrNbTrans, 1);
    assert.equal(up.state.macState.currentParameters?.adrDataRateIndex, 3);
  });
});

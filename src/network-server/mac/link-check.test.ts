import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linkCheckAnswer } from "./link-check.ts";
import { eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("LinkCheckReq", () => {
  const rows = [
    // EU868 DR5 is SF7 (floor -7.5 dB); DR0 is SF12 (floor -20 dB).
    {
      name: "SF7, best of two gateways",
      dr: 5,
      snrs: [2, -1],
      gateways: ["a", "b"],
      margin: 10,
      count: 2,
    },
    {
      name: "SF12, one gateway heard twice",
      dr: 0,
      snrs: [-10, -12],
      gateways: ["a", "a"],
      margin: 10,
      count: 1,
    },
    { name: "below the floor: margin 0", dr: 5, snrs: [-9], gateways: ["a"], margin: 0, count: 1 },
    { name: "FSK: margin is the SNR", dr: 7, snrs: [12], gateways: ["a"], margin: 12, count: 1 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const rxMetadata = row.snrs.map((snr, i) => ({ snr, gatewayId: row.gateways[i] ?? "" }));
      assert.deepEqual(linkCheckAnswer(uplinkContext({ dataRateIndex: row.dr, rxMetadata })), {
        margin: row.margin,
        gatewayCount: row.count,
      });
    });
  }

  it("is answered in the queued responses with both events", () => {
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x02, name: "LinkCheckReq" }],
      uplinkContext(),
    );
    assert.deepEqual(eventNames(up.events), [
      "ns.mac.link_check.request",
      "ns.mac.link_check.answer",
    ]);
    assert.deepEqual(up.events[1]?.data, { name: "LinkCheckAns", margin: 13, gatewayCount: 1 });
    assert.equal(up.state.macState.queuedResponses.length, 1);
  });

  it("without any reception is not answered", () => {
    const up = handleUplinkCommands(
      { macState: settledState() },
      [{ cid: 0x02, name: "LinkCheckReq" }],
      uplinkContext({ rxMetadata: [] }),
    );
    assert.equal(up.state.macState.queuedResponses.length, 0);
  });
});

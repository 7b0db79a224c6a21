import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAC_COMMANDS } from "../../lorawan/mac/index.ts";
import { MAC_HANDLERS, REQUEST_ORDER } from "./handlers.ts";

describe("the MAC handler table", () => {
  it("has a handler for every command of the LoRaWAN library, under its CID", () => {
    for (const descriptor of MAC_COMMANDS) {
      const handler = MAC_HANDLERS[descriptor.cid];
      assert.ok(handler, `no handler for ${descriptor.name}`);
      assert.equal(handler.cid, descriptor.cid);
      if (descriptor.initiatedBy === "device") assert.ok(handler.onRequest, descriptor.name);
      else assert.ok(handler.needs && handler.requestEvent, descriptor.name);
      if (descriptor.initiatedBy === "network" && descriptor.uplink !== null) {
        assert.ok(handler.onAnswer, descriptor.name);
      }
    }
    assert.equal(Object.keys(MAC_HANDLERS).length, MAC_COMMANDS.length);
  });

  it("orders every network-initiated command once, NewChannelReq before LinkADRReq", () => {
    const network = MAC_COMMANDS.filter((d) => d.initiatedBy === "network").map((d) => d.cid);
    assert.deepEqual(
      REQUEST_ORDER.map((h) => h.cid).sort((a, b) => a - b),
      [...network].sort((a, b) => a - b),
    );
    const cids = REQUEST_ORDER.map((h) => h.cid);
    assert.ok(cids.indexOf(0x07) < cids.indexOf(0x03));
  });
});

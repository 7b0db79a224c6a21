import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clone, create } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type MACCommand, MACCommandSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { commitSent } from "./device-commit.ts";

const command = (cid: number) => create(MACCommandSchema, { cid });
const cids = (commands: readonly MACCommand[]) => commands.map((c) => c.cid);

/** A device with a session at NFCntDown 4, pending DevStatusReq, a queued LinkCheckAns. */
function device(): EndDevice {
  return create(EndDeviceSchema, {
    ids: { applicationIds: { applicationId: "app" }, deviceId: "dev" },
    session: {
      devAddr: new Uint8Array(4),
      lastNFCntDown: 4,
      keys: { sessionKeyId: new Uint8Array([1]) },
    },
    macState: { pendingRequests: [command(6)], queuedResponses: [command(2)] },
  });
}

/** What the builder made: FCnt 5 used, LinkCheckAns sent, DevStatusReq and LinkADRReq asked. */
function builtFrom(base: EndDevice): EndDevice {
  const built = clone(EndDeviceSchema, base);
  if (built.session) built.session.lastNFCntDown = 5;
  if (built.macState) {
    built.macState.queuedResponses = [];
    built.macState.pendingRequests = [command(6), command(3)];
  }
  return built;
}

describe("commitSent", () => {
  it("takes the built state whole when the device did not change meanwhile", () => {
    const base = device();
    const next = commitSent(clone(EndDeviceSchema, base), base, builtFrom(base), { fCnt: 5 });
    assert.equal(next.session?.lastNFCntDown, 5);
    assert.deepEqual(cids(next.macState?.pendingRequests ?? []), [6, 3]);
    assert.deepEqual(cids(next.macState?.queuedResponses ?? []), []);
  });

  it("records the frame's MAC requests and clears its sent answers when only other fields changed", () => {
    const base = device();
    const current = clone(EndDeviceSchema, base);
    // The Application Server's side moved meanwhile.
    if (current.session) current.session.lastAFCntDown = 9;
    const next = commitSent(current, base, builtFrom(base), { fCnt: 5 });
    assert.equal(next.session?.lastNFCntDown, 5);
    assert.equal(next.session?.lastAFCntDown, 9);
    assert.deepEqual(cids(next.macState?.pendingRequests ?? []), [6, 3]);
    assert.deepEqual(cids(next.macState?.queuedResponses ?? []), []);
  });

  it("keeps answers an uplink queued meanwhile", () => {
    const base = device();
    const current = clone(EndDeviceSchema, base);
    if (current.macState) current.macState.queuedResponses = [command(13)];
    const next = commitSent(current, base, builtFrom(base), { fCnt: 5 });
    assert.deepEqual(cids(next.macState?.pendingRequests ?? []), [6, 3]);
    assert.deepEqual(cids(next.macState?.queuedResponses ?? []), [13]);
  });
});

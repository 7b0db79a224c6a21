import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError } from "../../errors/index.ts";
import { encodePhyPayload } from "./encode.ts";
import {
  errField,
  errFOptsTooLong,
  errFOptsWithFPort0,
  errFrmPayloadWithoutFPort,
  errMType,
} from "./errors.ts";
import type { DownlinkDataFrame, PhyPayload, UplinkDataFrame } from "./frame.ts";
import { hex } from "./test-helpers.ts";

const uplink: UplinkDataFrame = {
  mType: "unconfirmedDataUp",
  devAddr: hex("01020304"),
  fCtrl: { adr: false, adrAckReq: false, ack: false, classB: false },
  fCnt: 1,
  fOpts: hex(""),
  fPort: 1,
  frmPayload: hex("01020304"),
  mic: hex("3b073182"),
};

const downlink: DownlinkDataFrame = {
  mType: "confirmedDataDown",
  devAddr: hex("01020304"),
  fCtrl: { adr: false, ack: true, fPending: false },
  fCnt: 1,
  fOpts: hex("0207"),
  frmPayload: hex(""),
  mic: hex("00000000"),
};

function fieldError(field: string) {
  return (err: unknown) => errField.matches(err) && err.attributes.field === field;
}

describe("encodePhyPayload validation", () => {
  it("refuses frames that are not objects or have an unknown message type", () => {
    for (const frame of [undefined, null, 42, "frame"]) {
      assert.throws(() => encodePhyPayload(frame as unknown as PhyPayload), fieldError("frame"));
    }
    for (const mType of ["dataUp", undefined, 2]) {
      assert.throws(
        () => encodePhyPayload({ ...uplink, mType } as unknown as PhyPayload),
        errMType.matches.bind(errMType),
      );
    }
  });

  it("checks data frame fields", () => {
    const cases: [string, unknown][] = [
      ["DevAddr", { ...uplink, devAddr: hex("010203") }],
      ["FCnt", { ...uplink, fCnt: 0x10000 }],
      ["FCnt", { ...uplink, fCnt: -1 }],
      ["FCnt", { ...uplink, fCnt: 1.5 }],
      ["FCnt", { ...uplink, fCnt: "1" }],
      ["FOpts", { ...uplink, fOpts: [1, 2] }],
      ["FRMPayload", { ...uplink, frmPayload: undefined }],
      ["MIC", { ...uplink, mic: hex("0102") }],
      ["FPort", { ...uplink, fPort: 256 }],
      ["FPort", { ...uplink, fPort: null }],
      ["FCtrl", { ...uplink, fCtrl: undefined }],
      ["FCtrl ClassB", { ...uplink, fCtrl: { adr: true, adrAckReq: false, ack: false } }],
      ["FCtrl FPending", { ...downlink, fCtrl: { adr: true, ack: false, fPending: 1 } }],
    ];
    for (const [field, frame] of cases) {
      assert.throws(() => encodePhyPayload(frame as PhyPayload), fieldError(field), field);
    }
  });

  it("enforces the LoRaWAN rules on FOpts, FPort and FRMPayload", () => {
    assert.throws(
      () => encodePhyPayload({ ...uplink, fOpts: new Uint8Array(16) }),
      errFOptsTooLong.matches.bind(errFOptsTooLong),
    );
    assert.throws(
      () => encodePhyPayload({ ...downlink, fPort: 0 }),
      errFOptsWithFPort0.matches.bind(errFOptsWithFPort0),
    );
    const { fPort: _, ...noPort } = uplink;
    assert.throws(
      () => encodePhyPayload(noPort),
      errFrmPayloadWithoutFPort.matches.bind(errFrmPayloadWithoutFPort),
    );
    assert.equal(encodePhyPayload({ ...noPort, frmPayload: hex("") }).length, 12);
    assert.equal(encodePhyPayload({ ...downlink, fOpts: new Uint8Array(15) }).length, 27);
  });

  it("checks join, rejoin, join-accept and proprietary fields", () => {
    const joinRequest = {
      mType: "joinRequest",
      joinEui: new Uint8Array(8),
      devEui: new Uint8Array(8),
      devNonce: 0,
      mic: new Uint8Array(4),
    };
    const rejoin0 = {
      mType: "rejoinRequest",
      rejoinType: 0,
      netId: new Uint8Array(3),
      devEui: new Uint8Array(8),
      rjCount0: 0,
      mic: new Uint8Array(4),
    };
    const rejoin1 = {
      mType: "rejoinRequest",
      rejoinType: 1,
      joinEui: new Uint8Array(8),
      devEui: new Uint8Array(8),
      rjCount1: 0,
      mic: new Uint8Array(4),
    };
    const cases: [string, unknown][] = [
      ["JoinEUI", { ...joinRequest, joinEui: new Uint8Array(7) }],
      ["DevEUI", { ...joinRequest, devEui: "0102030405060708" }],
      ["DevNonce", { ...joinRequest, devNonce: 65536 }],
      ["MIC", { ...joinRequest, mic: undefined }],
      ["NetID", { ...rejoin0, netId: new Uint8Array(4) }],
      ["RJcount0", { ...rejoin0, rjCount0: 70000 }],
      ["rejoin type", { ...rejoin0, rejoinType: 3 }],
      ["JoinEUI", { ...rejoin1, joinEui: undefined }],
      ["RJcount1", { ...rejoin1, rjCount1: -1 }],
      ["DevEUI", { ...rejoin1, devEui: new Uint8Array(0) }],
      ["join-accept encrypted payload", { mType: "joinAccept", encrypted: new Uint8Array(12) }],
      ["join-accept encrypted payload", { mType: "joinAccept", encrypted: new Uint8Array(33) }],
      ["join-accept encrypted payload", { mType: "joinAccept" }],
      ["proprietary payload", { mType: "proprietary", payload: [1] }],
    ];
    for (const [field, frame] of cases) {
      assert.throws(() => encodePhyPayload(frame as PhyPayload), fieldError(field), field);
    }
    assert.equal(encodePhyPayload(joinRequest as PhyPayload).length, 23);
    assert.equal(encodePhyPayload(rejoin0 as PhyPayload).length, 19);
    assert.equal(encodePhyPayload(rejoin1 as PhyPayload).length, 24);
  });

  it("only ever throws DefinedErrors on garbage", () => {
    const garbage: unknown[] = [
      { mType: "joinRequest" },
      { mType: "rejoinRequest" },
      { mType: "confirmedDataUp" },
      { mType: "proprietary" },
      { mType: "joinAccept", encrypted: null },
      Object.create(null),
    ];
    for (const frame of garbage) {
      assert.throws(() => encodePhyPayload(frame as PhyPayload), DefinedError);
    }
  });
});

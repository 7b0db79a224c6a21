import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { JoinRequest } from "../gen/ttn/lorawan/v3/join_pb.js";
import { JoinResponseSchema } from "../gen/ttn/lorawan/v3/join_pb.js";
import {
  AppSKeyResponseSchema,
  type SessionKeyRequest,
} from "../gen/ttn/lorawan/v3/joinserver_pb.js";
import { KeyEnvelopeSchema, SessionKeysSchema } from "../gen/ttn/lorawan/v3/keys_pb.js";
import { CFListType, MACVersion } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { readRequest } from "../interop/messages.ts";
import { errorOfResult, resultOf } from "../interop/result-codes.ts";
import type { InteropRequestContext } from "../interop/server.ts";
import { joinReqMessage } from "../interop/test-requests.ts";
import { encodePhyPayload } from "../lorawan/codec/index.ts";
import {
  errDeviceNotFound,
  errDevNonceReused,
  errDevNonceTooSmall,
  errMicMismatch,
  errNetIdMismatch,
  errSessionKeysNotFound,
} from "./errors.ts";
import { joinServerInterop } from "./interop.ts";
import type { JoinHandler, JoinOrigin } from "./join-handler.ts";

const joinEui = Uint8Array.from(Buffer.from("70B3D57ED0000000", "hex"));
const devEui = Uint8Array.from(Buffer.from("0004A30B001C0530", "hex"));
const joinRequest = encodePhyPayload({
  mType: "joinRequest",
  joinEui,
  devEui,
  devNonce: 0x1234,
  mic: Uint8Array.of(1, 2, 3, 4),
});
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();
const key = (byte: number) => new Uint8Array(16).fill(byte);

/** A JoinHandler test double: records what it is asked and answers or throws as told. */
class FakeJoinHandler implements JoinHandler {
  joins: { request: JoinRequest; origin: JoinOrigin }[] = [];
  keyRequests: { request: SessionKeyRequest; origin: JoinOrigin }[] = [];
  failure: unknown;

  async handleJoin(request: JoinRequest, origin: JoinOrigin) {
    this.joins.push({ request, origin });
    if (this.failure) throw this.failure;
    return create(JoinResponseSchema, {
      rawPayload: Uint8Array.of(0x20, ...new Array(16).fill(0xaa)),
      lifetime: { seconds: 3600n, nanos: 0 },
      sessionKeys: create(SessionKeysSchema, {
        sessionKeyId: Uint8Array.of(0x01, 0x02),
        fNwkSIntKey: create(KeyEnvelopeSchema, { key: key(1) }),
        sNwkSIntKey: create(KeyEnvelopeSchema, { key: key(2) }),
        nwkSEncKey: create(KeyEnvelopeSchema, { key: key(3) }),
        appSKey: create(KeyEnvelopeSchema, {
          kekLabel: "as-kek",
          encryptedKey: new Uint8Array(24).fill(4),
        }),
      }),
    });
  }
  async getNwkSKeys(): Promise<never> {
    throw new Error("not used");
  }
  async getAppSKey(request: SessionKeyRequest, origin: JoinOrigin) {
    this.keyRequests.push({ request, origin });
    if (this.failure) throw this.failure;
    return create(AppSKeyResponseSchema, {
      appSKey: create(KeyEnvelopeSchema, { key: key(9) }),
    });
  }
  async homeNetwork() {
    if (this.failure) throw this.failure;
    return { netId: Uint8Array.of(0, 0, 0x13), networkServerAddress: "" };
  }
}

const context = (protocolVersion: "1.0" | "1.1", senderId = "000013"): InteropRequestContext => ({
  protocolVersion,
  senderId,
  requestId: "",
});

function joinReq(fields: Record<string, unknown> = {}) {
  return readRequest("JoinReq", joinReqMessage({ PHYPayload: hex(joinRequest), ...fields }));
}

describe("joinServerInterop", () => {
  it("builds the JoinRequest from a JoinReq and answers NwkSKey for LoRaWAN 1.0.x", async () => {
    const fake = new FakeJoinHandler();
    const handlers = joinServerInterop(fake);
    const cfList = "184F84E85684B85E84886684586E8400";
    const answer = await handlers.JoinReq?.(
      joinReq({ MACVersion: "1.0.2", DLSettings: "B3", RxDelay: 5, CFList: cfList }),
      context("1.0"),
    );
    const [call] = fake.joins;
    assert.ok(call);
    assert.deepEqual(call.origin, { kind: "interop", netId: Uint8Array.of(0, 0, 0x13) });
    const request = call.request;
    assert.deepEqual(request.rawPayload, joinRequest);
    assert.deepEqual(request.devAddr, Uint8Array.of(0x26, 0x01, 0x12, 0x34));
    assert.deepEqual(request.netId, Uint8Array.of(0, 0, 0x13));
    assert.equal(request.selectedMacVersion, MACVersion.MAC_V1_0_2);
    assert.equal(request.rxDelay, 5);
    assert.equal(request.downlinkSettings?.optNeg, true);
    assert.equal(request.downlinkSettings?.rx1DrOffset, 3);
    assert.equal(request.downlinkSettings?.rx2Dr, 3);
    assert.equal(request.cfList?.type, CFListType.FREQUENCIES);
    assert.deepEqual(request.cfList?.freq, [8671000, 8673000, 8675000, 8677000, 8679000]);
    assert.deepEqual(answer, {
      PHYPayload: `20${"AA".repeat(16)}`,
      Lifetime: 3600,
      NwkSKey: { KEKLabel: "", AESKey: "01".repeat(16) },
      AppSKey: { KEKLabel: "as-kek", AESKey: "04".repeat(24) },
      SessionKeyID: "0102",
    });
  });

  it("answers the three network session keys for LoRaWAN 1.1", async () => {
    const handlers = joinServerInterop(new FakeJoinHandler());
    const answer = await handlers.JoinReq?.(joinReq({ MACVersion: "1.1" }), context("1.1"));
    assert.equal(answer?.NwkSKey, undefined);
    assert.deepEqual(answer?.FNwkSIntKey, { KEKLabel: "", AESKey: "01".repeat(16) });
    assert.deepEqual(answer?.SNwkSIntKey, { KEKLabel: "", AESKey: "02".repeat(16) });
    assert.deepEqual(answer?.NwkSEncKey, { KEKLabel: "", AESKey: "03".repeat(16) });
  });

  it("reads a channel-mask CFList", async () => {
    const fake = new FakeJoinHandler();
    await joinServerInterop(fake).JoinReq?.(
      joinReq({ CFList: `FF${"00".repeat(14)}01` }),
      context("1.1"),
    );
    const masks = fake.joins[0]?.request.cfList;
    assert.equal(masks?.type, CFListType.CHANNEL_MASKS);
    assert.deepEqual(masks?.chMasks.slice(0, 9), [
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    assert.equal(masks?.chMasks.length, 96);
  });

  it("refuses a PHYPayload of another device or JoinEUI, or not a join-request", async () => {
    const fake = new FakeJoinHandler();
    const handlers = joinServerInterop(fake);
    for (const fields of [
      { DevEUI: "0004A30B001C0531" },
      { ReceiverID: "70B3D57ED0000001" },
      { PHYPayload: `40${"00".repeat(22)}` },
    ]) {
      await assert.rejects(
        handlers.JoinReq?.(joinReq(fields), context("1.1")) ?? Promise.reject(),
        (error) => {
          assert.equal(
            resultOf(error, "1.1").ResultCode,
            "MalformedMessage",
            JSON.stringify(fields),
          );
          return true;
        },
      );
    }
    assert.equal(fake.joins.length, 0);
  });

  it("maps the Join Server's errors to result codes", async () => {
    const cases = [
      [errMicMismatch.create(), "MICFailed"],
      [errDeviceNotFound.create({ join_eui: joinEui, dev_eui: devEui }), "UnknownDevEUI"],
      [errDevNonceReused.create({ dev_nonce: 1 }), "JoinReqFailed"],
      [errDevNonceTooSmall.create({ dev_nonce: 1, last_dev_nonce: 2 }), "JoinReqFailed"],
      [errNetIdMismatch.create({ net_id: "000013" }), "ActivationDisallowed"],
      [new Error("disk on fire"), "Other"],
    ] as const;
    for (const [error, code] of cases) {
      const fake = new FakeJoinHandler();
      fake.failure = error;
      await assert.rejects(
        joinServerInterop(fake).JoinReq?.(joinReq(), context("1.0")) ?? Promise.reject(),
        (thrown) => {
          const result = resultOf(thrown, "1.0");
          assert.equal(result.ResultCode, code, error.message);
          if (code === "Other") assert.equal(result.Description, "internal error");
          else assert.equal(result.Description, error.message);
          return true;
        },
      );
    }
  });

  it("answers AppSKeyReq for the AS-ID of the sender", async () => {
    const fake = new FakeJoinHandler();
    const handlers = joinServerInterop(fake);
    const message = readRequest("AppSKeyReq", {
      ProtocolVersion: "1.1",
      SenderID: "as.example.com",
      ReceiverID: "70B3D57ED0000000",
      TransactionID: 7,
      MessageType: "AppSKeyReq",
      DevEUI: "0004A30B001C0530",
      SessionKeyID: "0102",
    });
    const answer = await handlers.AppSKeyReq?.(message, context("1.1", "as.example.com"));
    assert.deepEqual(answer, {
      DevEUI: "0004A30B001C0530",
      AppSKey: { KEKLabel: "", AESKey: "09".repeat(16) },
      SessionKeyID: "0102",
    });
    assert.deepEqual(fake.keyRequests[0]?.origin, { kind: "interop", asId: "as.example.com" });
    assert.deepEqual(fake.keyRequests[0]?.request.joinEui, joinEui);
    assert.deepEqual(fake.keyRequests[0]?.request.devEui, devEui);
    fake.failure = errSessionKeysNotFound.create({});
    await assert.rejects(
      handlers.AppSKeyReq?.(message, context("1.1")) ?? Promise.reject(),
      (error) => errorOfResult(resultOf(error, "1.1")).definition.name === "unknown_dev_eui",
    );
  });

  it("answers HomeNSReq with the device's home NetID", async () => {
    const handlers = joinServerInterop(new FakeJoinHandler());
    const message = readRequest("HomeNSReq", {
      ...joinReqMessage({ MessageType: "HomeNSReq" }),
    });
    assert.deepEqual(await handlers.HomeNSReq?.(message, context("1.0")), { HNetID: "000013" });
    assert.deepEqual(await handlers.HomeNSReq?.(message, context("1.1")), {
      HNetID: "000013",
      HNSID: "000013",
    });
  });
});

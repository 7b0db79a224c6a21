import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MACVersion } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { answerHeader, readPartialHeader, readRequest } from "./messages.ts";
import { errMalformedMessage } from "./result-codes.ts";
import { joinReqMessage } from "./test-requests.ts";

describe("Backend Interfaces messages", () => {
  it("reads a JoinReq: hex in any case or with 0x, unknown fields ignored", () => {
    const message = readRequest(
      "JoinReq",
      joinReqMessage({ DevEUI: "0x0004a30b001c0530", MACVersion: "1.0.4", Extra: true }),
    );
    assert.deepEqual(message.DevEUI, Uint8Array.of(0x00, 0x04, 0xa3, 0x0b, 0x00, 0x1c, 0x05, 0x30));
    assert.equal(message.MACVersion, MACVersion.MAC_V1_0_4);
    assert.equal(message.CFList, undefined);
  });

  it("names the field that is missing or malformed", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ DevEUI: undefined }, /DevEUI/],
      [{ DevEUI: "0004A30B001C05" }, /DevEUI: expected 8 bytes/],
      [{ SenderID: "as.example.com" }, /SenderID/],
      [{ MACVersion: "9.9" }, /MACVersion/],
      [{ RxDelay: 16 }, /RxDelay/],
      [{ TransactionID: -1 }, /TransactionID/],
      [{ CFList: "00" }, /CFList/],
    ];
    for (const [fields, pattern] of cases) {
      assert.throws(
        () => readRequest("JoinReq", joinReqMessage(fields)),
        (error: unknown) => {
          assert.ok(errMalformedMessage.matches(error));
          assert.match(String(error.attributes.description), pattern);
          return true;
        },
      );
    }
  });

  it("makes the answer header from what it can read of a request", () => {
    const header = readPartialHeader({ ...joinReqMessage(), TransactionID: "nope" });
    assert.deepEqual(answerHeader(header, "1.1"), {
      ProtocolVersion: "1.1",
      SenderID: "70B3D57ED0000000",
      ReceiverID: "000013",
      TransactionID: 0,
      MessageType: "JoinAns",
    });
    assert.deepEqual(readPartialHeader("not an object"), {});
  });
});

import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type InteropCertificates,
  makeInteropCertificates,
  type SenderCredentials,
} from "../../test/harness/interop-certificates.ts";
import { makeTestCertificate, type TestCertificate } from "../../test/harness/tls-certificate.ts";
import { interopTlsOptions } from "./listeners.ts";
import type { JoinReq } from "./messages.ts";
import { errMicFailed } from "./result-codes.ts";
import { SenderAuthorities } from "./sender-authorities.ts";
import { InteropServer, interopBodyLimit } from "./server.ts";
import { joinReqMessage, post } from "./test-requests.ts";

let serverCertificate: TestCertificate | undefined;
let certificates: InteropCertificates | undefined;
let ours: SenderCredentials;
let other: SenderCredentials;
let stranger: SenderCredentials;
let plain: Server;
let tls: Server;
let plainUrl = "";
let tlsUrl = "";
const joins: JoinReq[] = [];
let failNext: Error | undefined;

function listen(server: Server): Promise<number> {
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => done((server.address() as AddressInfo).port)),
  );
}

before(async () => {
  serverCertificate = await makeTestCertificate();
  certificates = await makeInteropCertificates();
  if (!serverCertificate || !certificates) return;
  ours = await certificates.sender("000013");
  other = await certificates.sender("000042");
  stranger = await certificates.sender("000099", { trusted: false });
  const senders = SenderAuthorities.fromDirectory(certificates.caDirectory);
  const interop = new InteropServer({ senders });
  interop.register({
    async JoinReq(message) {
      joins.push(message);
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      return { PHYPayload: "20".padEnd(34, "0"), SessionKeyID: "01" };
    },
  });
  plain = createHttpServer(interop.handle);
  tls = createHttpsServer(
    interopTlsOptions({ cert: serverCertificate.certificate, key: serverCertificate.key }, senders),
    interop.handle,
  );
  plainUrl = `http://127.0.0.1:${await listen(plain)}/`;
  tlsUrl = `https://localhost:${await listen(tls)}`;
});

after(async () => {
  plain?.close();
  tls?.close();
  await serverCertificate?.remove();
  await certificates?.remove();
});

const withCertificate = (credentials: SenderCredentials) => ({
  ca: serverCertificate?.certificate,
  certificate: credentials.certificate,
  key: credentials.key,
});

describe("InteropServer", () => {
  it("answers a JoinReq of an authenticated sender: header swapped, TransactionID echoed", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    joins.length = 0;
    const answer = await post(`${tlsUrl}/`, joinReqMessage(), withCertificate(ours));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      ProtocolVersion: "1.1",
      SenderID: "70B3D57ED0000000",
      ReceiverID: "000013",
      TransactionID: 1234567,
      MessageType: "JoinAns",
      Result: { ResultCode: "Success" },
      PHYPayload: "20".padEnd(34, "0"),
      SessionKeyID: "01",
    });
    assert.equal(joins.length, 1);
    assert.deepEqual(joins[0]?.SenderID, Uint8Array.of(0, 0, 0x13));
    assert.deepEqual(joins[0]?.DLSettings, Uint8Array.of(3));
  });

  it("accepts the request at The Things Stack's paths too", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    for (const path of ["/hns", "/sns", "/fns", "/js"]) {
      const answer = await post(`${tlsUrl}${path}`, joinReqMessage(), withCertificate(ours));
      assert.equal((answer.body.Result as { ResultCode: string }).ResultCode, "Success", path);
    }
  });

  it("echoes SenderNSID as ReceiverNSID and SenderToken as ReceiverToken", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const answer = await post(
      tlsUrl,
      joinReqMessage({ SenderNSID: "0000000000000013", SenderToken: "AB" }),
      withCertificate(ours),
    );
    assert.equal(answer.body.ReceiverNSID, "0000000000000013");
    assert.equal(answer.body.ReceiverToken, "AB");
  });

  it("answers UnknownSender, never calling the handler, to unauthenticated senders", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    joins.length = 0;
    const cases = [
      ["plain listener", () => post(plainUrl, joinReqMessage())],
      [
        "no client certificate",
        () => post(tlsUrl, joinReqMessage(), { ca: serverCertificate?.certificate }),
      ],
      [
        "another sender's certificate",
        () => post(tlsUrl, joinReqMessage(), withCertificate(other)),
      ],
      [
        "a CA not in the directory",
        () => post(tlsUrl, joinReqMessage({ SenderID: "000099" }), withCertificate(stranger)),
      ],
      [
        "a certificate of our CA for another SenderID",
        () => post(tlsUrl, joinReqMessage({ SenderID: "000042" }), withCertificate(ours)),
      ],
    ] as const;
    for (const [name, send] of cases) {
      const answer = await send();
      assert.equal(answer.status, 200, name);
      assert.equal(
        (answer.body.Result as { ResultCode: string }).ResultCode,
        "UnknownSender",
        name,
      );
      assert.equal(answer.body.MessageType, "JoinAns", name);
      assert.equal(answer.body.PHYPayload, undefined, name);
    }
    assert.equal(joins.length, 0);
  });

  it("authenticates the other sender with its own certificate", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const answer = await post(
      tlsUrl,
      joinReqMessage({ SenderID: "000042" }),
      withCertificate(other),
    );
    assert.equal((answer.body.Result as { ResultCode: string }).ResultCode, "Success");
  });

  it("answers hostile input with result codes, never crashing", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const code = (answer: { body: Record<string, unknown> }) =>
      (answer.body.Result as { ResultCode: string }).ResultCode;
    const notJson = await post(tlsUrl, "{not json", withCertificate(ours));
    assert.deepEqual([notJson.status, code(notJson)], [400, "MalformedRequest"]);
    const array = await post(tlsUrl, "[1,2]", withCertificate(ours));
    assert.deepEqual([array.status, code(array)], [400, "MalformedRequest"]);
    const large = await post(
      tlsUrl,
      joinReqMessage({ PHYPayload: "00".repeat(interopBodyLimit) }),
      withCertificate(ours),
    );
    assert.deepEqual([large.status, code(large)], [413, "FrameSizeError"]);
    const version = await post(
      tlsUrl,
      joinReqMessage({ ProtocolVersion: "2.0" }),
      withCertificate(ours),
    );
    assert.equal(code(version), "InvalidProtocolVersion");
    assert.equal(version.body.ProtocolVersion, "2.0");
    const unknownType = await post(
      tlsUrl,
      joinReqMessage({ MessageType: "Hello" }),
      withCertificate(ours),
    );
    assert.equal(code(unknownType), "MalformedMessage");
    assert.equal(unknownType.body.MessageType, "ErrorNotif");
    const unserved = await post(
      tlsUrl,
      joinReqMessage({ MessageType: "PRStartReq" }),
      withCertificate(ours),
    );
    assert.equal(code(unserved), "MalformedMessage");
    assert.equal(unserved.body.MessageType, "PRStartAns");
    const missing = joinReqMessage({ ProtocolVersion: "1.0" });
    delete missing.DevEUI;
    const missingAnswer = await post(tlsUrl, missing, withCertificate(ours));
    assert.equal(code(missingAnswer), "MalformedRequest");
    assert.match(
      String((missingAnswer.body.Result as { Description: string }).Description),
      /DevEUI/,
    );
    assert.equal(missingAnswer.body.TransactionID, 1234567);
    const badHex = await post(tlsUrl, joinReqMessage({ DevAddr: "XYZ" }), withCertificate(ours));
    assert.equal(code(badHex), "MalformedMessage");
  });

  it("maps a handler's interop error to its code and hides other errors", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    failNext = errMicFailed.create({ description: "MIC mismatch" });
    const mic = await post(tlsUrl, joinReqMessage(), withCertificate(ours));
    assert.deepEqual(mic.body.Result, { ResultCode: "MICFailed", Description: "MIC mismatch" });
    failNext = new Error("database password is hunter2");
    const other = await post(tlsUrl, joinReqMessage(), withCertificate(ours));
    assert.deepEqual(other.body.Result, { ResultCode: "Other", Description: "internal error" });
  });
});

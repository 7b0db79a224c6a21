import assert from "node:assert/strict";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  type InteropCertificates,
  makeInteropCertificates,
  type SenderCredentials,
} from "../../test/harness/interop-certificates.ts";
import { makeTestCertificate, type TestCertificate } from "../../test/harness/tls-certificate.ts";
import { JoinRequestSchema } from "../gen/ttn/lorawan/v3/join_pb.js";
import {
  CFListSchema,
  CFListType,
  DLSettingsSchema,
  MACVersion,
} from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { encodePhyPayload } from "../lorawan/codec/index.ts";
import { errJoinServerUnreachable, errNoJoinServer, InteropClient } from "./client.ts";
import type { ExternalJoinServer } from "./config.ts";
import { interopTlsOptions } from "./listeners.ts";
import type { JoinReq } from "./messages.ts";
import { errMicFailed, errUnknownSender } from "./result-codes.ts";
import { SenderAuthorities } from "./sender-authorities.ts";
import { InteropServer } from "./server.ts";

let serverCertificate: TestCertificate | undefined;
let certificates: InteropCertificates | undefined;
let ours: SenderCredentials;
let server: Server;
let url = "";
const received: JoinReq[] = [];
let failNext: Error | undefined;

const joinEui = Uint8Array.from(Buffer.from("70B3D57ED0000000", "hex"));
const devEui = Uint8Array.from(Buffer.from("0004A30B001C0530", "hex"));
const request = create(JoinRequestSchema, {
  rawPayload: encodePhyPayload({
    mType: "joinRequest",
    joinEui,
    devEui,
    devNonce: 1,
    mic: Uint8Array.of(1, 2, 3, 4),
  }),
  devAddr: Uint8Array.of(0x26, 0x01, 0x12, 0x34),
  selectedMacVersion: MACVersion.MAC_V1_0_3,
  netId: Uint8Array.of(0, 0, 0x13),
  downlinkSettings: create(DLSettingsSchema, { rx1DrOffset: 2, rx2Dr: 3 }),
  rxDelay: 1,
  cfList: create(CFListSchema, { type: CFListType.FREQUENCIES, freq: [8671000, 8673000] }),
});

before(async () => {
  serverCertificate = await makeTestCertificate();
  certificates = await makeInteropCertificates();
  if (!serverCertificate || !certificates) return;
  ours = await certificates.sender("000013");
  const senders = SenderAuthorities.fromDirectory(certificates.caDirectory);
  const interop = new InteropServer({ senders });
  interop.register({
    async JoinReq(message) {
      received.push(message);
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      return {
        PHYPayload: `20${"AB".repeat(16)}`,
        Lifetime: 60,
        NwkSKey: { KEKLabel: "", AESKey: "11".repeat(16) },
        AppSKey: { KEKLabel: "as", AESKey: "22".repeat(24) },
        SessionKeyID: "CAFE",
      };
    },
  });
  server = createHttpsServer(
    interopTlsOptions({ cert: serverCertificate.certificate, key: serverCertificate.key }, senders),
    interop.handle,
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `https://localhost:${(server.address() as AddressInfo).port}/`;
});

after(async () => {
  server?.close();
  await serverCertificate?.remove();
  await certificates?.remove();
});

function joinServer(fields: Partial<ExternalJoinServer> = {}): ExternalJoinServer {
  return {
    join_euis: ["70B3D57ED0000000/32"],
    url,
    protocol_version: "1.1",
    sender_id: "000013",
    tls: {
      ca: serverCertificate?.certificateFile ?? "",
      certificate: ours.certificateFile,
      key: ours.keyFile,
    },
    ...fields,
  };
}

describe("InteropClient", () => {
  it("sends a JoinReq to the Join Server of the JoinEUI and reads the JoinAns", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    received.length = 0;
    const client = new InteropClient([joinServer()]);
    t.after(() => client.close());
    const response = await client.handleJoin(request);
    const sent = received[0];
    assert.ok(sent);
    assert.equal(sent.MessageType, "JoinReq");
    assert.equal(sent.ProtocolVersion, "1.1");
    assert.deepEqual(sent.SenderID, Uint8Array.of(0, 0, 0x13));
    assert.deepEqual(sent.ReceiverID, joinEui);
    assert.deepEqual(sent.DevEUI, devEui);
    assert.deepEqual(sent.PHYPayload, request.rawPayload);
    assert.equal(sent.MACVersion, MACVersion.MAC_V1_0_3);
    assert.deepEqual(sent.DLSettings, Uint8Array.of(0x23));
    assert.equal(sent.RxDelay, 1);
    assert.equal(
      Buffer.from(sent.CFList ?? []).toString("hex"),
      "184f84e85684000000000000000000".concat("00"),
    );
    assert.deepEqual(response.rawPayload, Uint8Array.of(0x20, ...new Array(16).fill(0xab)));
    assert.equal(response.lifetime?.seconds, 60n);
    assert.deepEqual(response.sessionKeys?.sessionKeyId, Uint8Array.of(0xca, 0xfe));
    assert.deepEqual(response.sessionKeys?.fNwkSIntKey?.key, new Uint8Array(16).fill(0x11));
    assert.equal(response.sessionKeys?.appSKey?.kekLabel, "as");
    assert.deepEqual(response.sessionKeys?.appSKey?.encryptedKey, new Uint8Array(24).fill(0x22));
    assert.deepEqual(response.sessionKeys?.appSKey?.key, new Uint8Array());
  });

  it("turns a Result into its typed error", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const client = new InteropClient([joinServer()]);
    t.after(() => client.close());
    failNext = errMicFailed.create({ description: "MIC mismatch" });
    await assert.rejects(client.handleJoin(request), (error) => {
      assert.ok(errMicFailed.matches(error));
      assert.equal(error.attributes.description, "MIC mismatch");
      return true;
    });
  });

  it("is an UnknownSender without its client certificate", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const client = new InteropClient([
      joinServer({
        tls: { ca: serverCertificate?.certificateFile ?? "", certificate: "", key: "" },
      }),
    ]);
    t.after(() => client.close());
    await assert.rejects(client.handleJoin(request), (error) => errUnknownSender.matches(error));
  });

  it("picks the longest matching JoinEUI prefix", () => {
    const client = new InteropClient([
      { ...joinServerPlain("http://wide.example/"), join_euis: ["7000000000000000/4"] },
      { ...joinServerPlain("http://narrow.example/"), join_euis: ["70B3D57ED0000000/40"] },
      { ...joinServerPlain("http://other.example/"), join_euis: ["0000000000000000/1"] },
    ]);
    assert.equal(client.joinServerFor(joinEui)?.url, "http://narrow.example/");
    assert.equal(
      client.joinServerFor(Uint8Array.from(Buffer.from("70B3D57EFF000000", "hex")))?.url,
      "http://wide.example/",
    );
    assert.equal(client.joinServerFor(new Uint8Array(8))?.url, "http://other.example/");
    assert.equal(client.joinServerFor(new Uint8Array(8).fill(0xff)), undefined);
  });

  it("says when no Join Server is configured or one does not answer", async () => {
    const none = new InteropClient([]);
    await assert.rejects(none.handleJoin(request), (error) => errNoJoinServer.matches(error));
    const closed = new InteropClient([
      { ...joinServerPlain("http://127.0.0.1:1/"), join_euis: ["70B3D57ED0000000/64"] },
    ]);
    await assert.rejects(closed.handleJoin(request), (error) =>
      errJoinServerUnreachable.matches(error),
    );
  });
});

function joinServerPlain(address: string): ExternalJoinServer {
  return {
    join_euis: [],
    url: address,
    protocol_version: "1.0",
    sender_id: "000013",
    tls: { ca: "", certificate: "", key: "" },
  };
}

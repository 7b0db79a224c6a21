import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { JoinRequestSchema } from "../../src/gen/ttn/lorawan/v3/join_pb.js";
import { DLSettingsSchema, MACVersion } from "../../src/gen/ttn/lorawan/v3/lorawan_pb.js";
import { InteropClient } from "../../src/interop/client.ts";
import type { ExternalJoinServer } from "../../src/interop/config.ts";
import { errActivationDisallowed, errUnknownSender } from "../../src/interop/result-codes.ts";
import { joinReqMessage, post } from "../../src/interop/test-requests.ts";
import { decodeJoinAcceptPayload, encodePhyPayload } from "../../src/lorawan/codec/index.ts";
import {
  computeJoinRequestMic,
  decryptJoinAccept,
  deriveSessionKeys10,
  verifyJoinAcceptMic10,
} from "../../src/lorawan/crypto/index.ts";
import { skipOutsideCi } from "../harness/ci.ts";
import { initialize } from "../harness/identity-admin.ts";
import {
  type InteropCertificates,
  makeInteropCertificates,
  type SenderCredentials,
} from "../harness/interop-certificates.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { restOk } from "../harness/rest-client.ts";
import { makeTestCertificate, type TestCertificate } from "../harness/tls-certificate.ts";

// Issue 11: an external Network Server joins a device through our Join Server over Backend
// Interfaces (HTTPS, client certificate per sender). Process 1 runs `lorastack start is`,
// process 2 only `lorastack start js` (rights from process 1 over the cluster's peers); the
// Network Server stand-in is the interop client module (src/interop/client.ts) driven from
// this test.

const ourNetId = "000013";
const joinEui = "70B3D57ED0000000";
const devEui = "0004A30B001C0530";
const strangerDevEui = "0004A30B001C0531";
const appKey = Uint8Array.from(Buffer.from("2B7E151628AED2A6ABF7158809CF4F3C", "hex"));
const devAddr = Uint8Array.of(0x26, 0x01, 0x12, 0x34);
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

const clusterKey = "5eed".repeat(16);
let dataDir: string;
let joinServerDataDir: string;
/** Process 1: the Identity Server, where the application and device are registered. */
let identityServer: LorastackProcess;
/** Process 2: only the Join Server, which gets rights from process 1 with the cluster key. */
let stack: LorastackProcess;
let serverCertificate: TestCertificate | undefined;
let certificates: InteropCertificates | undefined;
let ours: SenderCredentials;
let neighbour: SenderCredentials;
let stranger: SenderCredentials;
let interopUrl = "";
let adminKey = "";

/** A REST call to the Join Server's process for `/js/` paths, to the Identity Server's otherwise. */
const api = (method: string, path: string, body?: unknown) =>
  restOk((path.startsWith("/js/") ? stack : identityServer).httpUrl, method, path, {
    key: adminKey,
    body,
  });

async function registerDevice(deviceId: string, eui: string, netId: string) {
  const ids = {
    device_id: deviceId,
    application_ids: { application_id: "app-1" },
    join_eui: joinEui,
    dev_eui: eui,
  };
  await api("POST", "/applications/app-1/devices", { end_device: { ids } });
  await api("PUT", `/js/applications/app-1/devices/${deviceId}`, {
    end_device: {
      ids,
      root_keys: { app_key: { key: Buffer.from(appKey).toString("hex") } },
      net_id: netId,
    },
    field_mask: { paths: ["root_keys.app_key.key", "net_id"] },
  });
}

function joinRequest(eui: string, devNonce: number) {
  const unsigned = encodePhyPayload({
    mType: "joinRequest",
    joinEui: bytes(joinEui),
    devEui: bytes(eui),
    devNonce,
    mic: new Uint8Array(4),
  });
  const mic = computeJoinRequestMic(appKey, unsigned.subarray(0, 19));
  const rawPayload = Uint8Array.from(unsigned);
  rawPayload.set(mic, 19);
  return create(JoinRequestSchema, {
    rawPayload,
    devAddr,
    selectedMacVersion: MACVersion.MAC_V1_0_3,
    netId: bytes(ourNetId),
    downlinkSettings: create(DLSettingsSchema, { rx1DrOffset: 1, rx2Dr: 2 }),
    rxDelay: 5,
  });
}

function client(senderId: string, credentials: SenderCredentials | undefined): InteropClient {
  const joinServer: ExternalJoinServer = {
    join_euis: [`${joinEui}/64`],
    url: interopUrl,
    protocol_version: "1.0",
    sender_id: senderId,
    tls: {
      ca: serverCertificate?.certificateFile ?? "",
      certificate: credentials?.certificateFile ?? "",
      key: credentials?.keyFile ?? "",
    },
  };
  return new InteropClient([joinServer]);
}

before(async () => {
  serverCertificate = await makeTestCertificate();
  certificates = await makeInteropCertificates();
  if (!serverCertificate || !certificates) return;
  ours = await certificates.sender(ourNetId);
  neighbour = await certificates.sender("000042");
  stranger = await certificates.sender("000099", { trusted: false });
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-js-interop-"));
  joinServerDataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-js-interop-js-"));
  adminKey = await initialize(dataDir);
  identityServer = await startLorastack({
    dataDir,
    args: ["is"],
    env: { LORASTACK_CLUSTER_KEYS: clusterKey },
  });
  stack = await startLorastack({
    dataDir: joinServerDataDir,
    args: ["js"],
    env: {
      LORASTACK_CLUSTER_KEYS: clusterKey,
      LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: identityServer.listeners.get("grpc") ?? "",
      LORASTACK_TLS_CERTIFICATE: serverCertificate.certificateFile,
      LORASTACK_TLS_KEY: serverCertificate.keyFile,
      LORASTACK_INTEROP_LISTEN_TLS: "127.0.0.1:0",
      LORASTACK_INTEROP_SENDER_CLIENT_CA_DIRECTORY: certificates.caDirectory,
    },
  });
  const address = stack.listeners.get("interop (tls)");
  assert.ok(address, `no interop TLS listener in ${JSON.stringify([...stack.listeners])}`);
  interopUrl = `https://localhost:${address.split(":").at(-1)}/`;
  await api("POST", "/users/admin/applications", {
    application: { ids: { application_id: "app-1" } },
  });
  await registerDevice("dev-1", devEui, ourNetId);
  await registerDevice("dev-2", strangerDevEui, "000042");
});

after(async () => {
  await stack?.stop();
  await identityServer?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (joinServerDataDir) await rm(joinServerDataDir, { recursive: true, force: true });
  await serverCertificate?.remove();
  await certificates?.remove();
});

describe("Join Server over Backend Interfaces", () => {
  it("joins a device for its home network over HTTPS with a client certificate", async (t) => {
    if (!certificates) return t.skip(skipOutsideCi("openssl is not available"));
    const ns = client(ourNetId, ours);
    t.after(() => ns.close());
    const response = await ns.handleJoin(joinRequest(devEui, 1));

    const raw = response.rawPayload;
    assert.equal(raw.length, 17);
    assert.equal(raw[0], 0x20);
    const plain = decryptJoinAccept(appKey, raw.subarray(1));
    const payload = plain.subarray(0, 12);
    const mic = plain.subarray(12);
    assert.ok(
      verifyJoinAcceptMic10(appKey, Uint8Array.of(raw[0] ?? 0, ...payload), mic),
      "the join-accept MIC verifies with the AppKey",
    );
    const accept = decodeJoinAcceptPayload(payload);
    assert.deepEqual(accept.devAddr, devAddr);
    assert.deepEqual(accept.homeNetId, bytes(ourNetId));
    assert.equal(accept.dlSettings.rx1DrOffset, 1);
    assert.equal(accept.dlSettings.rx2DataRate, 2);
    assert.equal(accept.rxDelay, 5);

    const keys = response.sessionKeys;
    assert.ok(keys?.sessionKeyId.length, "a session key ID");
    const nwkSKey = keys?.fNwkSIntKey;
    const appSKey = keys?.appSKey;
    assert.ok(nwkSKey && (nwkSKey.key.length || nwkSKey.encryptedKey.length), "a NwkSKey");
    assert.ok(appSKey && (appSKey.key.length || appSKey.encryptedKey.length), "an AppSKey");
    if (nwkSKey.key.length > 0) {
      const derived = deriveSessionKeys10(appKey, {
        joinNonce: accept.joinNonce,
        netId: bytes(ourNetId),
        devNonce: 1,
      });
      assert.deepEqual(nwkSKey.key, derived.nwkSKey);
    }
  });

  it("answers UnknownSender without keys to a sender without its certificate", async (t) => {
    if (!certificates) return t.skip(skipOutsideCi("openssl is not available"));
    const cases: [string, InteropClient][] = [
      ["no client certificate", client(ourNetId, undefined)],
      ["another SenderID than the certificate's", client("000042", ours)],
      ["a CA not in the directory", client("000099", stranger)],
    ];
    for (const [name, ns] of cases) {
      t.after(() => ns.close());
      await assert.rejects(ns.handleJoin(joinRequest(devEui, 2)), (error) => {
        assert.ok(errUnknownSender.matches(error), `${name}: ${error}`);
        return true;
      });
    }
    // The raw answer carries no keys and no join-accept.
    const raw = await post(
      interopUrl,
      joinReqMessage({ ProtocolVersion: "1.0", ReceiverID: joinEui, DevEUI: devEui }),
      { ca: serverCertificate?.certificate },
    );
    assert.equal((raw.body.Result as { ResultCode: string }).ResultCode, "UnknownSender");
    for (const field of ["PHYPayload", "NwkSKey", "AppSKey", "SessionKeyID"]) {
      assert.equal(raw.body[field], undefined, field);
    }
  });

  it("refuses a join of a device whose home network is another sender's", async (t) => {
    if (!certificates) return t.skip(skipOutsideCi("openssl is not available"));
    const ns = client(ourNetId, ours);
    t.after(() => ns.close());
    await assert.rejects(ns.handleJoin(joinRequest(strangerDevEui, 3)), (error) =>
      errActivationDisallowed.matches(error),
    );
    const home = client("000042", neighbour);
    t.after(() => home.close());
    const response = await home.handleJoin(joinRequest(strangerDevEui, 4));
    assert.equal(response.rawPayload.length, 17);
  });
});

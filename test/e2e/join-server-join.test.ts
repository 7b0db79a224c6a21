/**
 * OTAA through the real program: `lorastack start is js` with a cluster key and a KEK; devices
 * registered through the Join Server's REST registry (TTS JSON); joins of LoRaWAN 1.0.2, 1.0.3,
 * 1.0.4 and 1.1 devices through NsJs.HandleJoin over gRPC with the cluster key, each
 * join-accept decrypted and verified by lora-packet as the device would, the session keys
 * unwrapped with the KEK and compared with lora-packet's derivation. A replayed DevNonce is
 * refused; after kill -9 right after a join, the JoinNonce still grows.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Client, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { JoinResponse } from "../../src/gen/ttn/lorawan/v3/join_pb.js";
import { AsJs, NsJs } from "../../src/gen/ttn/lorawan/v3/joinserver_pb.js";
import type { KeyEnvelope } from "../../src/gen/ttn/lorawan/v3/keys_pb.js";
import { deviceReads, loraPacket } from "../../src/join-server/join/device-side.ts";
import {
  hex,
  joinRequest,
  joinRequestBytes,
  MACVersion,
  testDevice,
  toHex,
} from "../../src/join-server/join/test-device.ts";
import { StaticKeyVault } from "../../src/key-vault/index.ts";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";
import { rest } from "../harness/rest-client.ts";

const clusterKey = "5eed".repeat(16);
const kek = new Uint8Array(randomBytes(16));
const env = {
  LORASTACK_CLUSTER_KEYS: clusterKey,
  LORASTACK_KEY_VAULT_KEYS: `kek1:${toHex(kek)}`,
};
const vault = new StaticKeyVault(new Map([["kek1", kek]]), "kek1");
const joinEui = "70b3d57ed0000001";
const netId = "000013";

interface TestDevice {
  id: string;
  version: MACVersion;
  devEui: string;
  appKey: string;
  nwkKey?: string;
}

const devices: Record<string, TestDevice> = {
  "1.0.2": {
    id: "dev-102",
    version: MACVersion.MAC_V1_0_2,
    devEui: "0004a30b00000102",
    appKey: "01".repeat(16),
  },
  "1.0.3": {
    id: "dev-103",
    version: MACVersion.MAC_V1_0_3,
    devEui: "0004a30b00000103",
    appKey: "02".repeat(16),
  },
  "1.0.4": {
    id: "dev-104",
    version: MACVersion.MAC_V1_0_4,
    devEui: "0004a30b00000104",
    appKey: "03".repeat(16),
  },
  "1.1": {
    id: "dev-11",
    version: MACVersion.MAC_V1_1,
    devEui: "0004a30b00000110",
    appKey: "04".repeat(16),
    nwkKey: "05".repeat(16),
  },
};

let dataDir: string;
let adminKey: string;
let server: LorastackProcess;
let client: Client<typeof NsJs>;
/** AsJs as an Application Server in another process calls it. */
let applicationServer: Client<typeof AsJs>;

async function start(): Promise<void> {
  server = await startLorastack({ args: ["is", "js"], dataDir, env });
  const grpc = server.listeners.get("grpc");
  assert.ok(grpc, "the process serves gRPC");
  const transport = createGrpcTransport({
    baseUrl: `http://${grpc}`,
    interceptors: [
      (next) => (request) => {
        request.header.set("lorastack-cluster-key", clusterKey);
        return next(request);
      },
    ],
  });
  client = createClient(NsJs, transport);
  applicationServer = createClient(AsJs, transport);
}

const api = (method: string, path: string, body?: unknown) =>
  rest(server.httpUrl, method, path, { key: adminKey, body });

/** NsJs.HandleJoin of `device` with `devNonce`, as a Network Server sends it. */
function handleJoin(device: TestDevice, devNonce: number): Promise<JoinResponse> {
  const stored = testDevice({ joinEui, devEui: device.devEui, appKey: device.appKey });
  const micKey = hex(device.nwkKey ?? device.appKey);
  return client.handleJoin(
    joinRequest(joinRequestBytes(stored, devNonce, micKey), device.version, {
      netId: hex(netId),
      devAddr: hex("26011f2a"),
      downlinkSettings: { rx1DrOffset: 1, rx2Dr: 3 },
      rxDelay: 5,
    }),
  );
}

async function unwrap(envelope: KeyEnvelope | undefined): Promise<string> {
  assert.ok(envelope, "a key");
  assert.equal(envelope.key.length, 0, "session keys leave wrapped");
  assert.equal(envelope.kekLabel, "kek1");
  return toHex(await vault.unwrapKey(envelope));
}

/** Reads the accept as the device does and checks the keys against lora-packet's. */
async function checkAccept(device: TestDevice, devNonce: number, response: JoinResponse) {
  const nonce = Buffer.from([devNonce >> 8, devNonce & 0xff]);
  const keys = response.sessionKeys;
  if (device.nwkKey) {
    const nwkKey = Buffer.from(device.nwkKey, "hex");
    const js = loraPacket.generateJSKeys(nwkKey, Buffer.from(device.devEui, "hex"));
    const read = deviceReads(response.rawPayload, {
      lorawan11: true,
      decryptionKey: nwkKey,
      jsIntKey: js.JSIntKey,
      joinReqType: 0xff,
      joinEui: hex(joinEui),
      devNonce,
    });
    assert.equal(read.micOk, true, "the device accepts the MIC");
    assert.equal(read.optNeg, true);
    const expected = loraPacket.generateSessionKeys11(
      Buffer.from(device.appKey, "hex"),
      nwkKey,
      Buffer.from(joinEui, "hex"),
      Buffer.from(read.joinNonce, "hex"),
      nonce,
    );
    assert.equal(await unwrap(keys?.fNwkSIntKey), expected.FNwkSIntKey.toString("hex"));
    assert.equal(await unwrap(keys?.sNwkSIntKey), expected.SNwkSIntKey.toString("hex"));
    assert.equal(await unwrap(keys?.nwkSEncKey), expected.NwkSEncKey.toString("hex"));
    assert.equal(await unwrap(keys?.appSKey), expected.AppSKey.toString("hex"));
    return read;
  }
  const appKey = Buffer.from(device.appKey, "hex");
  const read = deviceReads(response.rawPayload, { lorawan11: false, appKey });
  assert.equal(read.micOk, true, "the device accepts the MIC");
  assert.deepEqual(
    [read.netId, read.devAddr, read.dlSettings, read.rxDelay, read.optNeg],
    [netId, "26011f2a", "13", "05", false],
  );
  const expected = loraPacket.generateSessionKeys10(
    appKey,
    Buffer.from(netId, "hex"),
    Buffer.from(read.joinNonce, "hex"),
    nonce,
  );
  assert.equal(await unwrap(keys?.fNwkSIntKey), expected.NwkSKey.toString("hex"));
  assert.equal(await unwrap(keys?.appSKey), expected.AppSKey.toString("hex"));
  return read;
}

async function refused(promise: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ConnectError, String(error));
    assert.match(error.message, new RegExp(`joinserver:${name}`));
    return true;
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-js-join-"));
  adminKey = await initialize(dataDir, env);
  await start();
  const created = await api("POST", "/users/admin/applications", {
    application: { ids: { application_id: "app1" } },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  for (const device of Object.values(devices)) {
    const registered = await api("PUT", `/js/applications/app1/devices/${device.id}`, {
      end_device: {
        ids: {
          device_id: device.id,
          application_ids: { application_id: "app1" },
          join_eui: joinEui.toUpperCase(),
          dev_eui: device.devEui.toUpperCase(),
        },
        root_keys: {
          app_key: { key: device.appKey.toUpperCase() },
          ...(device.nwkKey ? { nwk_key: { key: device.nwkKey.toUpperCase() } } : {}),
        },
        net_id: netId,
      },
      field_mask: {
        paths: [
          "ids.join_eui",
          "ids.dev_eui",
          "root_keys.app_key.key",
          ...(device.nwkKey ? ["root_keys.nwk_key.key"] : []),
          "net_id",
        ],
      },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.json));
  }
});

after(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Join Server joins through NsJs", () => {
  it("joins a LoRaWAN 1.0.2 device and refuses its DevNonce a second time", async () => {
    const device = devices["1.0.2"] as TestDevice;
    const read = await checkAccept(device, 0x3a7c, await handleJoin(device, 0x3a7c));
    assert.equal(read.joinNonce, "000001");
    await refused(handleJoin(device, 0x3a7c), "dev_nonce_reused");
    await checkAccept(device, 0x0001, await handleJoin(device, 0x0001));
  });

  it("joins a LoRaWAN 1.0.3 device", async () => {
    const device = devices["1.0.3"] as TestDevice;
    await checkAccept(device, 0x9001, await handleJoin(device, 0x9001));
    await refused(handleJoin(device, 0x9001), "dev_nonce_reused");
  });

  it("joins a LoRaWAN 1.0.4 device whose DevNonce must grow", async () => {
    const device = devices["1.0.4"] as TestDevice;
    await checkAccept(device, 1, await handleJoin(device, 1));
    await refused(handleJoin(device, 1), "dev_nonce_too_small");
    await checkAccept(device, 2, await handleJoin(device, 2));
  });

  it("joins a LoRaWAN 1.1 device (OptNeg, JSIntKey MIC, four session keys)", async () => {
    const device = devices["1.1"] as TestDevice;
    await checkAccept(device, 1, await handleJoin(device, 1));
    await refused(handleJoin(device, 1), "dev_nonce_too_small");
  });

  it("hands the session keys out again by session key ID: NsJs.GetNwkSKeys and AsJs.GetAppSKey", async () => {
    const device = devices["1.1"] as TestDevice;
    const joined = await handleJoin(device, 2);
    const keys = joined.sessionKeys;
    assert.ok(keys);
    const session = {
      sessionKeyId: keys.sessionKeyId,
      joinEui: hex(joinEui),
      devEui: hex(device.devEui),
    };
    const network = await client.getNwkSKeys(session);
    assert.equal(await unwrap(network.fNwkSIntKey), await unwrap(keys.fNwkSIntKey));
    assert.equal(await unwrap(network.sNwkSIntKey), await unwrap(keys.sNwkSIntKey));
    assert.equal(await unwrap(network.nwkSEncKey), await unwrap(keys.nwkSEncKey));
    const application = await applicationServer.getAppSKey(session);
    assert.equal(await unwrap(application.appSKey), await unwrap(keys.appSKey));
    await refused(
      applicationServer.getAppSKey({ ...session, sessionKeyId: new Uint8Array(16) }),
      "session_keys_not_found",
    );
  });

  it("refuses a join without the cluster key", async () => {
    const grpc = server.listeners.get("grpc");
    const anonymous = createClient(NsJs, createGrpcTransport({ baseUrl: `http://${grpc}` }));
    const device = devices["1.0.4"] as TestDevice;
    const stored = testDevice({ joinEui, devEui: device.devEui, appKey: device.appKey });
    await assert.rejects(
      anonymous.handleJoin(
        joinRequest(joinRequestBytes(stored, 100, hex(device.appKey)), device.version),
      ),
      (error) => error instanceof ConnectError && /cluster_key_required/.test(error.message),
    );
  });

  it("never repeats a JoinNonce across kill -9", async () => {
    const device = devices["1.0.4"] as TestDevice;
    const before = await checkAccept(device, 10, await handleJoin(device, 10));
    await server.stop("SIGKILL");
    await start();
    const afterCrash = await checkAccept(device, 11, await handleJoin(device, 11));
    assert.ok(
      Number.parseInt(afterCrash.joinNonce, 16) > Number.parseInt(before.joinNonce, 16),
      `JoinNonce ${afterCrash.joinNonce} after ${before.joinNonce}`,
    );
    // The DevNonce history survived too.
    await refused(handleJoin(device, 10), "dev_nonce_too_small");
    await refused(handleJoin(devices["1.0.2"] as TestDevice, 0x3a7c), "dev_nonce_reused");
  });
});

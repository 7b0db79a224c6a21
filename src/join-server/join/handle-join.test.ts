import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { EventBus, type StackEvent } from "../../events/index.ts";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { SessionKeyRequestSchema } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { KeyEnvelope } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { StaticKeyVault } from "../../key-vault/index.ts";
import { deriveJsIntKey } from "../../lorawan/crypto/index.ts";
import type { JoinServerConfig } from "../config.ts";
import {
  errDeviceAmbiguous,
  errDeviceNotFound,
  errDevNonceReused,
  errMicMismatch,
  errNetIdMismatch,
  errSessionKeysNotFound,
  errUnknownJoinEui,
} from "../errors.ts";
import { deviceReads } from "./device-side.ts";
import { createJoinHandler } from "./handle-join.ts";
import { MemoryDeviceRegistry, MemorySessionKeyRegistry } from "./memory-registries.ts";
import {
  hex,
  joinRequest,
  joinRequestBytes,
  MACVersion,
  rejoinRequestBytes,
  type TestDeviceInit,
  testDevice,
  toHex,
} from "./test-device.ts";

const appKey = hex("2b7e151628aed2a6abf7158809cf4f3c");
const nwkKey = hex("000102030405060708090a0b0c0d0e0f");
const now = Date.UTC(2026, 11, 5, 12, 0, 0);

function config(js: Partial<JoinServerConfig["js"]> = {}): JoinServerConfig {
  return {
    js: {
      join_eui_prefixes: ["0000000000000000/0"],
      default_join_eui: "0000000000000000",
      device_kek_label: "",
      network_server_kek_label: "",
      application_server_kek_label: "",
      session_key_history: 10,
      ...js,
    },
  };
}

async function setup(
  options: { devices?: TestDeviceInit[]; js?: Partial<JoinServerConfig["js"]> } = {},
) {
  const vault = new StaticKeyVault(
    new Map(
      ["default", "ns", "as", "device-ns"].map((label) => [label, new Uint8Array(randomBytes(16))]),
    ),
    "default",
  );
  const devices = new MemoryDeviceRegistry();
  const sessionKeys = new MemorySessionKeyRegistry();
  const published: StackEvent[] = [];
  const events = new EventBus({ onPublish: (event) => published.push(event) });
  for (const init of options.devices ?? [{}]) {
    const device = testDevice(init);
    await devices.update(
      { applicationId: "app1", deviceId: device.ids?.deviceId ?? "" },
      () => device,
    );
  }
  devices.writes = 0;
  const handler = createJoinHandler({
    devices,
    sessionKeys,
    keyVault: vault,
    config: config(options.js),
    events,
    logger: pino({ level: "silent" }),
    now: () => now,
  });
  const unwrap = async (envelope: KeyEnvelope | undefined, label: string) => {
    assert.ok(envelope, "a key");
    assert.equal(envelope.kekLabel, label);
    assert.equal(envelope.key.length, 0, "never in plain");
    return toHex(await vault.unwrapKey(envelope));
  };
  return { handler, devices, sessionKeys, published, unwrap };
}

const joinOf = (init: TestDeviceInit, devNonce: number, version = MACVersion.MAC_V1_0_3) =>
  joinRequest(
    joinRequestBytes(testDevice(init), devNonce, version === MACVersion.MAC_V1_1 ? nwkKey : appKey),
    version,
  );

describe("createJoinHandler", () => {
  it("accepts a 1.0.3 join: stores the nonces, the session keys, and answers with keys wrapped for their receivers", async () => {
    const { handler, devices, sessionKeys, published, unwrap } = await setup();
    const response = await handler.handleJoin(joinOf({}, 42), { kind: "cluster" });
    const read = deviceReads(response.rawPayload, { lorawan11: false, appKey });
    assert.equal(read.micOk, true);
    assert.equal(read.joinNonce, "000001");

    const stored = await devices.get({ applicationId: "app1", deviceId: "dev1" });
    assert.deepEqual(stored?.usedDevNonces, [42]);
    assert.equal(stored?.lastJoinNonce, 1);
    assert.equal(devices.writes, 1);

    const keys = response.sessionKeys;
    assert.ok(keys);
    assert.equal(keys.sessionKeyId.length, 16);
    assert.equal(Buffer.from(keys.sessionKeyId.subarray(0, 6)).readUIntBE(0, 6), now);
    // LoRaWAN 1.0.x: the NwkSKey alone, as f_nwk_s_int_key.
    assert.equal(keys.sNwkSIntKey, undefined);
    assert.equal(keys.nwkSEncKey, undefined);
    const nwkSKey = await unwrap(keys.fNwkSIntKey, "default");
    const appSKey = await unwrap(keys.appSKey, "default");
    const kept = await sessionKeys.get(
      hex("70b3d57ed0000001"),
      hex("0004a30b001c0530"),
      keys.sessionKeyId,
    );
    assert.equal(toHex(kept.fNwkSIntKey?.key), nwkSKey);
    assert.equal(toHex(kept.appSKey?.key), appSKey);

    assert.deepEqual(
      published.map((event) => [event.name, event.identifiers, event.correlationIds]),
      [["js.join.accept", [{ kind: "end_device", id: "app1.dev1" }], ["ns:test"]]],
    );
  });

  it("refuses a JoinEUI outside js.join_eui_prefixes before looking at the device", async () => {
    const { handler, devices, published } = await setup({
      js: { join_eui_prefixes: ["70B3D57ED0000000/40", "0000000000000000/64"] },
    });
    await handler.handleJoin(joinOf({}, 1), { kind: "cluster" });
    const { handler: narrow, devices: untouched } = await setup({
      js: { join_eui_prefixes: ["70B3D57ED1000000/40"] },
    });
    await assert.rejects(narrow.handleJoin(joinOf({}, 2), { kind: "cluster" }), (error) =>
      errUnknownJoinEui.matches(error),
    );
    assert.equal(untouched.writes, 0);
    assert.equal(devices.writes, 1);
    assert.equal(published[0]?.name, "js.join.accept");
  });

  it("wraps with the device's KEK label, else the configured one, else the vault's default", async () => {
    const { handler, unwrap } = await setup({
      devices: [{ nwkKey: toHex(nwkKey), fields: { networkServerKekLabel: "device-ns" } }],
      js: { network_server_kek_label: "ns", application_server_kek_label: "as" },
    });
    const response = await handler.handleJoin(joinOf({}, 1, MACVersion.MAC_V1_1), {
      kind: "cluster",
    });
    const keys = response.sessionKeys;
    for (const envelope of [keys?.fNwkSIntKey, keys?.sNwkSIntKey, keys?.nwkSEncKey]) {
      await unwrap(envelope, "device-ns");
    }
    await unwrap(keys?.appSKey, "as");
    const read = deviceReads(response.rawPayload, {
      lorawan11: true,
      decryptionKey: nwkKey,
      jsIntKey: deriveJsIntKey(nwkKey, hex("0004a30b001c0530")),
      joinReqType: 0xff,
      joinEui: hex("70b3d57ed0000001"),
      devNonce: 1,
    });
    assert.equal(read.micOk, true);
    assert.equal(read.optNeg, true);
  });

  it("stores nothing when the MIC is wrong, and publishes js.join.reject with the reason", async () => {
    const { handler, devices, published } = await setup();
    const forged = joinRequest(joinRequestBytes(testDevice(), 7, nwkKey), MACVersion.MAC_V1_0_2);
    await assert.rejects(handler.handleJoin(forged, { kind: "cluster" }), (error) =>
      errMicMismatch.matches(error),
    );
    assert.equal(devices.writes, 0);
    const stored = await devices.get({ applicationId: "app1", deviceId: "dev1" });
    assert.equal(stored?.lastJoinNonce, 0);
    assert.deepEqual(stored?.usedDevNonces, []);
    const [event] = published;
    assert.equal(event?.name, "js.join.reject");
    assert.deepEqual(event?.identifiers, [{ kind: "end_device", id: "app1.dev1" }]);
    const details = event?.data as ErrorDetails;
    assert.equal(details.namespace, "joinserver");
    assert.equal(details.name, "mic_mismatch");
  });

  it("refuses a replayed DevNonce and an unknown device", async () => {
    const { handler, published } = await setup();
    await handler.handleJoin(joinOf({}, 9), { kind: "cluster" });
    await assert.rejects(handler.handleJoin(joinOf({}, 9), { kind: "cluster" }), (error) =>
      errDevNonceReused.matches(error),
    );
    await assert.rejects(
      handler.handleJoin(joinOf({ devEui: "0000000000000099" }, 9), { kind: "cluster" }),
      (error) => errDeviceNotFound.matches(error),
    );
    assert.deepEqual(
      published.map((event) => [event.name, (event.data as ErrorDetails | undefined)?.name]),
      [
        ["js.join.accept", undefined],
        ["js.join.reject", "dev_nonce_reused"],
        ["js.join.reject", "device_not_found"],
      ],
    );
  });

  it("serves a Backend Interfaces join only from the device's home NetID, storing nothing otherwise", async () => {
    const { handler, devices } = await setup();
    await assert.rejects(
      handler.handleJoin(joinOf({}, 1), { kind: "interop", netId: hex("000042") }),
      (error) => errNetIdMismatch.matches(error),
    );
    assert.equal(devices.writes, 0);
    await handler.handleJoin(joinOf({}, 1), { kind: "interop", netId: hex("000013") });
    assert.equal(devices.writes, 1);
  });

  it("looks rejoin-requests of types 0 and 2 up by DevEUI; several JoinEUIs are ambiguous", async () => {
    const one = { nwkKey: toHex(nwkKey), fields: { lastJoinNonce: 3 } };
    const { handler } = await setup({ devices: [one] });
    const device = testDevice(one);
    const type0 = joinRequest(rejoinRequestBytes(device, 0, 1, nwkKey), MACVersion.MAC_V1_1);
    const response = await handler.handleJoin(type0, { kind: "cluster" });
    assert.equal(response.rawPayload.length, 17);

    const { handler: two } = await setup({
      devices: [one, { ...one, deviceId: "dev2", joinEui: "70b3d57ed0000002" }],
    });
    await assert.rejects(two.handleJoin(type0, { kind: "cluster" }), (error) =>
      errDeviceAmbiguous.matches(error),
    );
    const { handler: none } = await setup({ devices: [{ ...one, devEui: "0000000000000001" }] });
    await assert.rejects(none.handleJoin(type0, { kind: "cluster" }), (error) =>
      errDeviceNotFound.matches(error),
    );
  });

  it("hands out a session's keys again by session key ID, wrapped for the receiver", async () => {
    const { handler, unwrap } = await setup({
      devices: [{ nwkKey: toHex(nwkKey) }],
      js: { application_server_kek_label: "as" },
    });
    const response = await handler.handleJoin(joinOf({}, 1, MACVersion.MAC_V1_1), {
      kind: "cluster",
    });
    const keys = response.sessionKeys;
    const request = create(SessionKeyRequestSchema, {
      joinEui: hex("70b3d57ed0000001"),
      devEui: hex("0004a30b001c0530"),
      sessionKeyId: keys?.sessionKeyId,
    });
    const network = await handler.getNwkSKeys(request, { kind: "cluster" });
    assert.equal(
      await unwrap(network.sNwkSIntKey, "default"),
      await unwrap(keys?.sNwkSIntKey, "default"),
    );
    assert.equal(
      await unwrap(network.nwkSEncKey, "default"),
      await unwrap(keys?.nwkSEncKey, "default"),
    );
    const application = await handler.getAppSKey(request, { kind: "cluster" });
    assert.equal(await unwrap(application.appSKey, "as"), await unwrap(keys?.appSKey, "as"));

    const unknown = create(SessionKeyRequestSchema, {
      ...request,
      sessionKeyId: new Uint8Array(16),
    });
    await assert.rejects(handler.getAppSKey(unknown, { kind: "cluster" }), (error) =>
      errSessionKeysNotFound.matches(error),
    );
    await assert.rejects(
      handler.getNwkSKeys(request, { kind: "interop", netId: hex("000001") }),
      (error) => errNetIdMismatch.matches(error),
    );
  });

  it("tells a device's home network", async () => {
    const { handler } = await setup({
      devices: [{ netId: "000013", fields: { networkServerAddress: "ns.example" } }],
    });
    const home = await handler.homeNetwork(hex("70b3d57ed0000001"), hex("0004a30b001c0530"));
    assert.equal(toHex(home.netId), "000013");
    assert.equal(home.networkServerAddress, "ns.example");
    await assert.rejects(handler.homeNetwork(hex("70b3d57ed0000001"), new Uint8Array(8)), (error) =>
      errDeviceNotFound.matches(error),
    );
  });

  it("answers hostile input with typed errors", async () => {
    const { handler } = await setup();
    for (const rawPayload of [
      new Uint8Array(),
      hex("00"),
      hex("40".padEnd(40, "0")),
      randomBytes(23),
    ]) {
      await assert.rejects(
        handler.handleJoin(joinRequest(new Uint8Array(rawPayload), MACVersion.MAC_V1_0_3), {
          kind: "cluster",
        }),
        (error) =>
          (error as { definition?: { namespace: string } }).definition?.namespace === "joinserver",
      );
    }
    const badSettings = joinRequest(
      joinRequestBytes(testDevice(), 3, appKey),
      MACVersion.MAC_V1_0_3,
      {
        netId: hex("0013"),
      },
    );
    await assert.rejects(handler.handleJoin(badSettings, { kind: "cluster" }), (error) =>
      Boolean((error as { definition?: unknown }).definition),
    );
  });
});

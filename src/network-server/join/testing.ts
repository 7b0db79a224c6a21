/**
 * Test helpers of the join handling: join-requests signed as a device signs them (src/lorawan),
 * their uplinks, a device's reading of a join-accept, and a cluster whose `js` peer is a join
 * handler in this process (or none).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { z } from "zod";
import type { Cluster } from "../../cluster/cluster.ts";
import { errPeerNotConfigured } from "../../cluster/peers/errors.ts";
import type { JoinRequest, JoinResponse } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { type UplinkMessage, UplinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { joinServerConfig } from "../../join-server/config.ts";
import {
  decodeJoinAcceptPayload,
  encodePhyPayload,
  type JoinAcceptPayload,
} from "../../lorawan/codec/index.ts";
import { computeJoinRequestMic, decryptJoinAccept } from "../../lorawan/crypto/index.ts";
import { type Database, openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { networkServerConfig } from "../config.ts";

export const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
export const toHex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");

/** A join-request PHYPayload signed with `key` (the AppKey before 1.1, the NwkKey from 1.1). */
export function joinRequestPhy(
  joinEui: Uint8Array,
  devEui: Uint8Array,
  devNonce: number,
  key: Uint8Array,
): Uint8Array {
  const frame = {
    mType: "joinRequest" as const,
    joinEui,
    devEui,
    devNonce,
    mic: new Uint8Array(4),
  };
  const unsigned = encodePhyPayload(frame);
  return encodePhyPayload({ ...frame, mic: computeJoinRequestMic(key, unsigned.subarray(0, 19)) });
}

/** The uplink of `rawPayload` received by one gateway at `frequency` with SF7BW125. */
export function uplinkOf(
  rawPayload: Uint8Array,
  receivedAtMs: number,
  frequency = 868_100_000n,
): UplinkMessage {
  return create(UplinkMessageSchema, {
    rawPayload,
    settings: {
      dataRate: {
        modulation: {
          case: "lora",
          value: { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" },
        },
      },
      frequency,
      timestamp: 1_000_000,
    },
    rxMetadata: [
      {
        gatewayIds: { gatewayId: "gateway-1" },
        rssi: -40,
        channelRssi: -40,
        snr: 8,
        timestamp: 1_000_000,
      },
    ],
    receivedAt: timestampFromMs(receivedAtMs),
    correlationIds: ["gs:uplink:test"],
  });
}

/** A device's reading of a join-accept PHYPayload: decrypted with `key`, the MIC left out. */
export function readJoinAccept(phy: Uint8Array, key: Uint8Array): JoinAcceptPayload {
  const plain = decryptJoinAccept(key, phy.subarray(1));
  return decodeJoinAcceptPayload(plain.subarray(0, plain.length - 4));
}

/** A cluster whose Join Server answers with `handleJoin`; without it, no `js` peer. */
export function clusterWith(
  handleJoin?: (request: JoinRequest) => Promise<JoinResponse>,
): Pick<Cluster, "peer"> {
  return {
    peer: () => {
      if (!handleJoin) {
        throw errPeerNotConfigured.create({
          title: "Join Server",
          key: "cluster.join_server_address",
        });
      }
      return { role: "js", local: true, client: () => ({ handleJoin }) as never };
    },
  };
}

/** The device the join tests join: its EUIs, root keys and registry key. */
export const testDevice = {
  joinEui: hex("70b3d57ed0000001"),
  devEui: hex("0004a30b001c0530"),
  appKey: hex("2b7e151628aed2a6abf7158809cf4f3c"),
  nwkKey: hex("000102030405060708090a0b0c0d0e0f"),
  key: { applicationId: "app1", deviceId: "dev1" },
};

/** The Network and Join Servers' configuration of the join tests (NetID 000013). */
export const testNsConfig = z
  .strictObject(networkServerConfig.shape)
  .parse({ ns: { net_id: "000013", dev_addr_prefixes: ["26011000/20"] } }).ns;
export const testJsConfig = z.strictObject(joinServerConfig.shape).parse({
  js: { join_eui_prefixes: ["70b3d57ed0000000/32"], network_server_kek_label: "ns-kek" },
});

/** Fresh migrated SQLite databases in one temporary folder, removed by `remove`. */
export function testDatabases(prefix: string): {
  open(): Promise<Database>;
  remove(): Promise<void>;
} {
  let folder: string | undefined;
  let count = 0;
  return {
    async open() {
      folder ??= await mkdtemp(join(tmpdir(), prefix));
      const database = await openDatabase({
        engine: "sqlite",
        file: join(folder, `${++count}.db`),
      });
      await migrateToLatest(database.db, database.engine);
      return database;
    },
    async remove() {
      if (folder) await rm(folder, { recursive: true, force: true });
    },
  };
}

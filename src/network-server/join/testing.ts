/**
 * Test helpers of the join handling: join-requests signed as a device signs them (src/lorawan),
 * their uplinks, a device's reading of a join-accept, and a cluster whose `js` peer is a join
 * handler in this process (or none).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Cluster } from "../../cluster/cluster.ts";
import { errPeerNotConfigured } from "../../cluster/peers/errors.ts";
import type { JoinRequest, JoinResponse } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { type UplinkMessage, UplinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import {
  decodeJoinAcceptPayload,
  encodePhyPayload,
  type JoinAcceptPayload,
} from "../../lorawan/codec/index.ts";
import { computeJoinRequestMic, decryptJoinAccept } from "../../lorawan/crypto/index.ts";

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

/**
 * Test helpers: hex, a device as the Join Server stores it, and join-requests signed as a
 * device signs them (with the project's own MIC, itself proven against published vectors).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type JoinRequest, JoinRequestSchema } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { encodePhyPayload } from "../../lorawan/codec/index.ts";
import {
  computeJoinRequestMic,
  computeRejoinRequestMic,
  deriveJsIntKey,
} from "../../lorawan/crypto/index.ts";

export const hex = (text: string) => Uint8Array.from(Buffer.from(text.replaceAll(" ", ""), "hex"));
export const toHex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");

export interface TestDeviceInit {
  joinEui?: string;
  devEui?: string;
  appKey?: string;
  nwkKey?: string;
  netId?: string;
  deviceId?: string;
  fields?: MessageInitShape<typeof EndDeviceSchema>;
}

export function testDevice(init: TestDeviceInit = {}): EndDevice {
  const base: MessageInitShape<typeof EndDeviceSchema> = {
    ids: {
      deviceId: init.deviceId ?? "dev1",
      applicationIds: { applicationId: "app1" },
      joinEui: hex(init.joinEui ?? "70b3d57ed0000001"),
      devEui: hex(init.devEui ?? "0004a30b001c0530"),
    },
    rootKeys: {
      appKey: { key: hex(init.appKey ?? "2b7e151628aed2a6abf7158809cf4f3c") },
      ...(init.nwkKey ? { nwkKey: { key: hex(init.nwkKey) } } : {}),
    },
    netId: hex(init.netId ?? "000013"),
  };
  return create(EndDeviceSchema, { ...base, ...init.fields } as typeof base);
}

/** A signed join-request PHYPayload; `micKey` is the AppKey (1.0.x) or the NwkKey (1.1). */
export function joinRequestBytes(
  device: EndDevice,
  devNonce: number,
  micKey: Uint8Array,
): Uint8Array {
  const frame = {
    mType: "joinRequest" as const,
    joinEui: device.ids?.joinEui as Uint8Array,
    devEui: device.ids?.devEui as Uint8Array,
    devNonce,
    mic: new Uint8Array(4),
  };
  const unsigned = encodePhyPayload(frame);
  return encodePhyPayload({
    ...frame,
    mic: computeJoinRequestMic(micKey, unsigned.subarray(0, 19)),
  });
}

/** A rejoin-request; types 0/2 signed with `sNwkSIntKey` (any key will do here), type 1 with JSIntKey. */
export function rejoinRequestBytes(
  device: EndDevice,
  rejoinType: 0 | 1 | 2,
  count: number,
  nwkKey: Uint8Array,
  netId = hex("000013"),
): Uint8Array {
  const devEui = device.ids?.devEui as Uint8Array;
  const frame =
    rejoinType === 1
      ? {
          mType: "rejoinRequest" as const,
          rejoinType,
          joinEui: device.ids?.joinEui as Uint8Array,
          devEui,
          rjCount1: count,
          mic: new Uint8Array(4),
        }
      : {
          mType: "rejoinRequest" as const,
          rejoinType,
          netId,
          devEui,
          rjCount0: count,
          mic: new Uint8Array(4),
        };
  const unsigned = encodePhyPayload(frame);
  const key = rejoinType === 1 ? deriveJsIntKey(nwkKey, devEui) : hex("11".repeat(16));
  const mic = computeRejoinRequestMic(key, unsigned.subarray(0, unsigned.length - 4));
  return encodePhyPayload({ ...frame, mic });
}

/** What a Network Server sends: the request and its choices for the join-accept. */
export function joinRequest(
  rawPayload: Uint8Array,
  version: MACVersion,
  init: MessageInitShape<typeof JoinRequestSchema> = {},
): JoinRequest {
  const base: MessageInitShape<typeof JoinRequestSchema> = {
    rawPayload,
    selectedMacVersion: version,
    devAddr: hex("26011f2a"),
    netId: hex("000013"),
    downlinkSettings: { rx1DrOffset: 0, rx2Dr: 3 },
    rxDelay: 1,
    correlationIds: ["ns:test"],
  };
  return create(JoinRequestSchema, { ...base, ...init } as typeof base);
}

export { MACVersion };

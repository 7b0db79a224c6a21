/**
 * The message instances exchange on {@link deviceSyncTopic} when a device changed: its key and
 * its DevAddrs after the change, so that every instance updates its index and drops its copy.
 */
import type { Codec } from "../../cluster/codec.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import type { DeviceKey } from "../registry/registry.ts";

export const deviceSyncTopic = "ns.device-store.changed";

export interface DeviceSyncMessage {
  /** The instance that published it (which ignores its own). */
  instanceId: string;
  key: DeviceKey;
  devAddr?: Uint8Array;
  pendingDevAddr?: Uint8Array;
}

interface Wire {
  i: string;
  a: string;
  d: string;
  s?: string;
  p?: string;
}

const devAddrHex = /^[0-9A-Fa-f]{8}$/;
// Generous bounds: IDs are at most 36 characters, instance ids at most 255 bytes.
const MAX_ID_LENGTH = 255;

const isId = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;

function devAddrOf(value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !devAddrHex.test(value)) throw new Error("bad DevAddr");
  return new Uint8Array(Buffer.from(value, "hex"));
}

/**
 * JSON on the wire (a few dozen bytes). Decoding another instance's message checks every field
 * and throws on anything else, so the PubSub drops and counts it.
 */
export const deviceSyncCodec: Codec<DeviceSyncMessage> = {
  encode(message) {
    const wire: Wire = {
      i: message.instanceId,
      a: message.key.applicationId,
      d: message.key.deviceId,
    };
    if (message.devAddr?.length === 4) wire.s = formatHex(message.devAddr);
    if (message.pendingDevAddr?.length === 4) wire.p = formatHex(message.pendingDevAddr);
    return Buffer.from(JSON.stringify(wire), "utf8");
  },
  decode(bytes) {
    const wire: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"));
    if (typeof wire !== "object" || wire === null) throw new Error("not an object");
    const { i, a, d, s, p } = wire as Record<string, unknown>;
    if (!isId(i) || !isId(a) || !isId(d)) throw new Error("bad instance or device id");
    return {
      instanceId: i,
      key: { applicationId: a, deviceId: d },
      devAddr: devAddrOf(s),
      pendingDevAddr: devAddrOf(p),
    };
  },
};

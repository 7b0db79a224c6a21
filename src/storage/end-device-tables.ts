/**
 * What the registries that keep their part of `EndDevice` on the message store share (the
 * Network, Application and Join Servers'): the key by application and device ID, hex index
 * values, and deleting the devices of an application in one transaction.
 */
import type { EndDevice, EndDeviceSchema } from "../gen/ttn/lorawan/v3/end_device_pb.js";
import { formatHex } from "../lorawan/types/index.ts";
import type { MessageKey, MessageStore } from "./message-store/index.ts";

/** Key columns of an end device table, outermost scope first. */
export const endDeviceKeyColumns = ["application_id", "device_id"] as const;

/** A device's key in a table of {@link endDeviceKeyColumns}. */
export function endDeviceKey(device: EndDevice): MessageKey {
  return [device.ids?.applicationIds?.applicationId ?? "", device.ids?.deviceId ?? ""];
}

/** Bytes as an index value (upper-case hex); `undefined` (no value) when empty. */
export function hexOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes && bytes.length > 0 ? formatHex(bytes) : undefined;
}

/** The index value of a device's JoinEUI and DevEUI: `"<JOINEUI>:<DEVEUI>"` in hex. */
export function euisValue(joinEui: Uint8Array, devEui: Uint8Array): string {
  return `${formatHex(joinEui)}:${formatHex(devEui)}`;
}

/**
 * Deletes devices of one application in one transaction, all or none; resolves to the IDs
 * that were there (each once, in the order given). Unknown IDs are skipped.
 */
export async function deleteEndDevices(
  store: MessageStore<typeof EndDeviceSchema>,
  applicationId: string,
  deviceIds: readonly string[],
): Promise<string[]> {
  const deleted = new Set<string>();
  await store.updateMany(
    deviceIds.map((deviceId) => [applicationId, deviceId]),
    (stored, key) => {
      if (stored) deleted.add(key[1] as string);
      return null;
    },
  );
  return deviceIds.filter(
    (deviceId, i) => deleted.has(deviceId) && deviceIds.indexOf(deviceId) === i,
  );
}

/** Stops a re-wrap between records (at shutdown); what was re-wrapped stays so. */
export interface RewrapOptions {
  signal?: AbortSignal;
}

/**
 * Re-wraps the keys of every record that `needsRewrap` (after a KEK rotation), each in its own
 * atomic update that checks again under the lock; `reseal` returns the record with its keys
 * wrapped with the current KEK. Resolves to how many records changed.
 */
export async function rewrapRecords(
  store: MessageStore<typeof EndDeviceSchema>,
  needsRewrap: (record: EndDevice) => boolean,
  reseal: (record: EndDevice) => Promise<EndDevice>,
  options: RewrapOptions = {},
): Promise<number> {
  let changed = 0;
  for await (const stored of store.scan([])) {
    if (options.signal?.aborted) return changed;
    if (!needsRewrap(stored)) continue;
    let rewrapped = false;
    await store.update(store.spec.key(stored), async (current) => {
      if (!current || !needsRewrap(current)) return current ?? null;
      rewrapped = true;
      return reseal(current);
    });
    if (rewrapped) changed++;
  }
  return changed;
}

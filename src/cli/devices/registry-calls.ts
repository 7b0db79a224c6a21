import type { ApiClient } from "../client/api-client.ts";
import { errApi } from "../client/errors.ts";
import { getPath, setPath } from "./device-flags.ts";
import { errActivation } from "./errors.ts";
import { createOrder, type Registry, registryPrefix, splitPaths } from "./registries.ts";

/**
 * An end device across the four registries, as ttn-lw-cli handles it: created in the Identity
 * Server first and then the Join (OTAA only), Network and Application Servers, each with the
 * field mask of its own paths; read from each registry that holds a requested field and
 * merged; deleted from the Application, Network and Join Servers and then the Identity Server.
 */
export type DeviceJson = Record<string, unknown>;

/** An end device's IDs as paths use them. */
export interface DeviceKey {
  applicationId: string;
  deviceId: string;
}

/** For notes to people (stderr): what was skipped or rolled back. */
export type Notify = (text: string) => void;

export const registryNames: Record<Registry, string> = {
  is: "Identity Server",
  js: "Join Server",
  ns: "Network Server",
  as: "Application Server",
};

/** The EUIs go with every registry's call, when the device has them. */
const idPaths = ["ids.dev_eui", "ids.join_eui"];

/** `/ns/applications/app/devices/dev`. */
export function devicePath(registry: Registry, key: DeviceKey): string {
  const app = encodeURIComponent(key.applicationId);
  return `${registryPrefix[registry]}/applications/${app}/devices/${encodeURIComponent(key.deviceId)}`;
}

/** Whether an error is the API's 404: the registry does not have the device. */
export function isNotFound(error: unknown): boolean {
  return errApi.matches(error) && error.attributes.status === 404;
}

/** The device's `ids` and the values at `paths`. */
export function pick(device: DeviceJson, paths: readonly string[]): DeviceJson {
  const picked: DeviceJson = { ids: device.ids };
  for (const path of paths) {
    const value = getPath(device, path);
    if (value !== undefined) setPath(picked, path, value);
  }
  return picked;
}

/**
 * Registers `device` (whose `ids` are complete) with the fields of `paths` in every registry
 * that keeps one. A failure deletes what the earlier registries created, in reverse order,
 * and the first error is thrown.
 */
export async function createDevice(
  client: ApiClient,
  device: DeviceJson,
  paths: readonly string[],
  notify: Notify,
): Promise<DeviceJson> {
  const key = keyOf(device);
  const supportsJoin = device.supports_join === true;
  const split = splitPaths(paths, "write");
  if (!supportsJoin && split.js.length > 0)
    throw errActivation.create({
      reason: `${split.js.join(", ")}: Join Server fields are for OTAA devices, not ABP`,
    });
  const ids = idPaths.filter((path) => getPath(device, path) !== undefined);
  const created: Registry[] = [];
  let merged: DeviceJson = {};
  try {
    for (const registry of createOrder) {
      if (registry === "js" && !supportsJoin) continue;
      const own = registry === "is" ? split.is : [...new Set([...ids, ...split[registry]])];
      const body = { end_device: pick(device, own), field_mask: { paths: own } };
      const { json } =
        registry === "is"
          ? await client.call<DeviceJson>(
              "POST",
              `/applications/${encodeURIComponent(key.applicationId)}/devices`,
              { body },
            )
          : await client.call<DeviceJson>("PUT", devicePath(registry, key), { body });
      created.push(registry);
      merged = mergeDevices(merged, json);
    }
  } catch (error) {
    await rollBack(client, key, created.reverse(), notify);
    throw error;
  }
  return merged;
}

async function rollBack(
  client: ApiClient,
  key: DeviceKey,
  registries: readonly Registry[],
  notify: Notify,
): Promise<void> {
  for (const registry of registries) {
    try {
      await client.call("DELETE", devicePath(registry, key));
      notify(`rolled back: deleted ${key.deviceId} from the ${registryNames[registry]}`);
    } catch (error) {
      notify(
        `could not roll back ${key.deviceId} in the ${registryNames[registry]}: ${(error as Error).message}`,
      );
    }
  }
}

/**
 * The device's fields of `paths` from the registries that keep them, merged. The Identity
 * Server is always asked (it knows whether the device exists); the Join Server only for a
 * device with a Join Server address, as ttn-lw-cli does (ABP devices have none); a registry
 * without the device is skipped with a note.
 */
export async function getDevice(
  client: ApiClient,
  key: DeviceKey,
  paths: readonly string[],
  notify: Notify,
): Promise<DeviceJson> {
  const split = splitPaths(paths, "read");
  const isPaths = split.js.length > 0 ? [...split.is, "join_server_address"] : split.is;
  const { json: fromIs } = await client.call<DeviceJson>("GET", devicePath("is", key), {
    query: { field_mask: isPaths.length > 0 ? isPaths : undefined },
  });
  let merged = fromIs;
  for (const registry of ["ns", "as", "js"] as const) {
    if (split[registry].length === 0) continue;
    if (registry === "js" && !fromIs.join_server_address) continue;
    try {
      const { json } = await client.call<DeviceJson>("GET", devicePath(registry, key), {
        query: { field_mask: split[registry] },
      });
      merged = mergeDevices(merged, json);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      notify(`${key.deviceId} is not in the ${registryNames[registry]}`);
    }
  }
  return merged;
}

/**
 * Sets the fields of `paths` in each registry that keeps one (IS, JS, NS, AS). The device's
 * identifiers come from the Identity Server first, as ttn-lw-cli takes them: the other
 * registries want the EUIs with every change, and an unknown device fails before any change.
 */
export async function updateDevice(
  client: ApiClient,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  const key = keyOf(device);
  const split = splitPaths(paths, "write");
  const { json: existing } = await client.call<DeviceJson>("GET", devicePath("is", key));
  device.ids = existing.ids ?? device.ids;
  let merged: DeviceJson = {};
  for (const registry of createOrder) {
    const own = split[registry];
    if (own.length === 0) continue;
    const { json } = await client.call<DeviceJson>("PUT", devicePath(registry, key), {
      body: { end_device: pick(device, own), field_mask: { paths: own } },
    });
    merged = mergeDevices(merged, json);
  }
  return merged;
}

/**
 * Deletes the device from the Application, Network and Join Servers (each may not have it)
 * and then from the Identity Server, whose "not found" is the caller's error. Resolves the
 * registries that did not have it.
 */
export async function deleteDevice(client: ApiClient, key: DeviceKey): Promise<Registry[]> {
  const absent: Registry[] = [];
  for (const registry of [...createOrder].reverse()) {
    try {
      await client.call("DELETE", devicePath(registry, key));
    } catch (error) {
      if (registry === "is" || !isNotFound(error)) throw error;
      absent.push(registry);
    }
  }
  return absent;
}

/**
 * Two registries' answers as one device: objects merged field by field, the later answer's
 * values winning; the earliest `created_at` and the latest `updated_at`, as ttn-lw-cli shows.
 */
export function mergeDevices(first: DeviceJson, second: DeviceJson): DeviceJson {
  const merged = deepMerge(first, second) as DeviceJson;
  for (const [field, pickTime] of [
    ["created_at", (a: string, b: string) => (a < b ? a : b)],
    ["updated_at", (a: string, b: string) => (a > b ? a : b)],
  ] as const) {
    const a = first[field];
    const b = second[field];
    if (typeof a === "string" && typeof b === "string") merged[field] = pickTime(a, b);
  }
  return merged;
}

function deepMerge(first: unknown, second: unknown): unknown {
  if (!isObject(first) || !isObject(second)) return second === undefined ? first : second;
  const merged: Record<string, unknown> = { ...first };
  for (const [field, value] of Object.entries(second))
    merged[field] = deepMerge(first[field], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The application and device IDs of a device's `ids`. */
export function keyOf(device: DeviceJson): DeviceKey {
  return {
    applicationId: getPath(device, "ids.application_ids.application_id") as string,
    deviceId: getPath(device, "ids.device_id") as string,
  };
}

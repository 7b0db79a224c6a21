/**
 * An end device across The Things Stack's four registries, as its Console handles one: created
 * in the Identity Server, then the Join Server (OTAA only), the Network Server and the
 * Application Server, each with the field mask of its own paths, and rolled back when one
 * fails; read from the registries that keep the asked fields and merged; deleted the other
 * way round. The table of which registry keeps which field is the CLI's (one table for both).
 */
import { getPath, setPath } from "../../../../src/cli/devices/device-flags.ts";
import {
  createOrder,
  type Registry,
  registryPrefix,
  splitPaths,
} from "../../../../src/cli/devices/registries.ts";

export type { Registry };
export type DeviceJson = Record<string, unknown>;
export { getPath, setPath };

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** The calls this module makes: the shell's `api` (console/src/api/client.ts) fits. */
export interface DeviceApi {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
}

export const registryNames: Record<Registry, string> = {
  is: "Identity Server",
  js: "Join Server",
  ns: "Network Server",
  as: "Application Server",
};

/** The EUIs go with every registry's call, when the device has them. */
const idPaths = ["ids.dev_eui", "ids.join_eui"];

/** `/ns/applications/app/devices/dev`. */
export function devicePath(registry: Registry, appId: string, deviceId: string): string {
  return `${registryPrefix[registry]}/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(deviceId)}`;
}

/** Whether an error is the API's 404 (the registry does not have the device). */
export function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}

/** The device's `ids` and its values at `paths`. */
export function pick(device: DeviceJson, paths: readonly string[]): DeviceJson {
  const picked: DeviceJson = { ids: device.ids };
  for (const path of paths) {
    const value = getPath(device, path);
    if (value !== undefined) setPath(picked, path, value);
  }
  return picked;
}

function idsOf(device: DeviceJson): { appId: string; deviceId: string } {
  return {
    appId: String(getPath(device, "ids.application_ids.application_id") ?? ""),
    deviceId: String(getPath(device, "ids.device_id") ?? ""),
  };
}

/** A creation that failed: the first error, and what the roll-back did. */
export class CreateDeviceError extends Error {
  override readonly cause: unknown;
  readonly registry: Registry;
  readonly rollBack: string[];
  constructor(cause: unknown, registry: Registry, rollBack: string[]) {
    super(`${registryNames[registry]}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
    this.registry = registry;
    this.rollBack = rollBack;
  }
}

/**
 * Registers `device` (with complete `ids`) with the fields of `paths` in every registry that
 * keeps one. When a registry refuses, the ones before it are deleted in reverse order and a
 * {@link CreateDeviceError} names the registry, the cause and each roll-back step.
 */
export async function createDevice(
  api: DeviceApi,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  const { appId, deviceId } = idsOf(device);
  const supportsJoin = device.supports_join === true;
  const split = splitPaths(paths, "write");
  const ids = idPaths.filter((path) => getPath(device, path) !== undefined);
  const created: Registry[] = [];
  let merged: DeviceJson = {};
  for (const registry of createOrder) {
    if (registry === "js" && !supportsJoin) continue;
    const own = registry === "is" ? split.is : [...new Set([...ids, ...split[registry]])];
    const body = { end_device: pick(device, own), field_mask: { paths: own } };
    try {
      const answer =
        registry === "is"
          ? await api.post<DeviceJson>(`/applications/${encodeURIComponent(appId)}/devices`, body)
          : await api.put<DeviceJson>(devicePath(registry, appId, deviceId), body);
      created.push(registry);
      merged = mergeDevices(merged, answer);
    } catch (error) {
      const steps: string[] = [];
      for (const done of created.reverse()) {
        try {
          await api.del(devicePath(done, appId, deviceId));
          steps.push(`deleted from the ${registryNames[done]}`);
        } catch (undoError) {
          steps.push(
            `could not delete from the ${registryNames[done]}: ${undoError instanceof Error ? undoError.message : String(undoError)}`,
          );
        }
      }
      throw new CreateDeviceError(error, registry, steps);
    }
  }
  return merged;
}

/**
 * The device's fields of `paths` from the registries that keep them, merged. The Identity
 * Server is always asked (it knows whether the device exists); the Join Server only when the
 * device names one (ABP devices do not); a registry without the device is left out.
 */
export async function getDevice(
  api: DeviceApi,
  appId: string,
  deviceId: string,
  paths: readonly string[],
): Promise<DeviceJson> {
  const split = splitPaths(paths, "read");
  const isPaths = [...new Set([...split.is, "join_server_address"])];
  let merged = await api.get<DeviceJson>(devicePath("is", appId, deviceId), {
    field_mask: isPaths,
  });
  const others = (["ns", "as", "js"] as const).filter(
    (registry) =>
      split[registry].length > 0 && (registry !== "js" || Boolean(merged.join_server_address)),
  );
  const answers = await Promise.all(
    others.map((registry) =>
      api
        .get<DeviceJson>(devicePath(registry, appId, deviceId), { field_mask: split[registry] })
        .catch((error: unknown) => {
          if (isNotFound(error)) return {};
          throw error;
        }),
    ),
  );
  for (const answer of answers) merged = mergeDevices(merged, answer);
  return merged;
}

/** Sets the fields of `paths` in each registry that keeps one, in creation order. */
export async function updateDevice(
  api: DeviceApi,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  const { appId, deviceId } = idsOf(device);
  const split = splitPaths(paths, "write");
  let merged: DeviceJson = {};
  for (const registry of createOrder) {
    const own = split[registry];
    if (own.length === 0) continue;
    const answer = await api.put<DeviceJson>(devicePath(registry, appId, deviceId), {
      end_device: pick(device, own),
      field_mask: { paths: own },
    });
    merged = mergeDevices(merged, answer);
  }
  return merged;
}

/**
 * Deletes the device from the Application, Network and Join Servers (each may not have it)
 * and then from the Identity Server, whose "not found" is an error.
 */
export async function deleteDevice(api: DeviceApi, appId: string, deviceId: string) {
  for (const registry of [...createOrder].reverse()) {
    try {
      await api.del(devicePath(registry, appId, deviceId));
    } catch (error) {
      if (registry === "is" || !isNotFound(error)) throw error;
    }
  }
}

/** Two registries' answers as one device, the later answer's values winning. */
export function mergeDevices(first: DeviceJson, second: DeviceJson): DeviceJson {
  return deepMerge(first, second) as DeviceJson;
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

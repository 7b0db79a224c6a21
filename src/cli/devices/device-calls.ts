/**
 * An end device across The Things Stack's four registries, as ttn-lw-cli handles one: created
 * in the Identity Server first and then the Join (OTAA only), Network and Application Servers,
 * each with the field mask of its own paths, and rolled back when one refuses; read from each
 * registry that holds a requested field and merged; deleted from the Application, Network and
 * Join Servers and then the Identity Server.
 *
 * Shared by the CLI and the Console: the calls go through a {@link DeviceApi} each of them
 * supplies, and this module imports nothing that needs Node (the Console bundles it).
 */
import { getPath, setPath } from "./device-flags.ts";
import { createOrder, type Registry, registryPrefix, splitPaths } from "./registries.ts";

export type DeviceJson = Record<string, unknown>;

/** Query parameters; `undefined` values are left out, lists joined with commas. */
export type DeviceQuery = Record<string, string | number | boolean | readonly string[] | undefined>;

/** The REST calls this module makes; each resolves the answer's JSON. */
export interface DeviceApi {
  get<T>(path: string, query?: DeviceQuery): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** Whether an error of this API is a 404; by default, an error whose `status` is 404. */
  isNotFound?(error: unknown): boolean;
}

/** An end device's IDs as paths use them. */
export interface DeviceKey {
  applicationId: string;
  deviceId: string;
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
export function devicePath(registry: Registry, key: DeviceKey): string {
  const app = encodeURIComponent(key.applicationId);
  return `${registryPrefix[registry]}/applications/${app}/devices/${encodeURIComponent(key.deviceId)}`;
}

/** The application and device IDs of a device's `ids`. */
export function keyOf(device: DeviceJson): DeviceKey {
  return {
    applicationId: String(getPath(device, "ids.application_ids.application_id") ?? ""),
    deviceId: String(getPath(device, "ids.device_id") ?? ""),
  };
}

function notFound(api: DeviceApi, error: unknown): boolean {
  if (api.isNotFound) return api.isNotFound(error);
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

/** One roll-back step: the registry the device was deleted from, or the error that stopped it. */
export interface RollBackStep {
  registry: Registry;
  error?: unknown;
}

/** An error's message, for a note. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A creation that failed: the registry that refused, its error, and what the roll-back did. */
export class CreateDeviceError extends Error {
  override readonly cause: unknown;
  readonly registry: Registry;
  readonly steps: readonly RollBackStep[];
  constructor(cause: unknown, registry: Registry, steps: readonly RollBackStep[]) {
    super(`${registryNames[registry]}: ${messageOf(cause)}`);
    this.cause = cause;
    this.registry = registry;
    this.steps = steps;
  }

  /** The roll-back in words: "deleted from the Join Server", "could not delete from …: why". */
  get rollBack(): string[] {
    return this.steps.map((step) =>
      step.error === undefined
        ? `deleted from the ${registryNames[step.registry]}`
        : `could not delete from the ${registryNames[step.registry]}: ${messageOf(step.error)}`,
    );
  }
}

/**
 * Registers `device` (whose `ids` are complete) with the fields of `paths` in every registry
 * that keeps one (a device without `supports_join` skips the Join Server). When a registry
 * refuses, the ones before it are deleted in reverse order and a {@link CreateDeviceError}
 * names the registry, the cause and each roll-back step.
 */
export async function createDevice(
  api: DeviceApi,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  const key = keyOf(device);
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
          ? await api.post<DeviceJson>(
              `/applications/${encodeURIComponent(key.applicationId)}/devices`,
              body,
            )
          : await api.put<DeviceJson>(devicePath(registry, key), body);
      created.push(registry);
      merged = mergeDevices(merged, answer);
    } catch (error) {
      throw new CreateDeviceError(error, registry, await rollBack(api, key, created.reverse()));
    }
  }
  return merged;
}

async function rollBack(
  api: DeviceApi,
  key: DeviceKey,
  registries: readonly Registry[],
): Promise<RollBackStep[]> {
  const steps: RollBackStep[] = [];
  for (const registry of registries) {
    try {
      await api.del(devicePath(registry, key));
      steps.push({ registry });
    } catch (error) {
      steps.push({ registry, error });
    }
  }
  return steps;
}

/**
 * The device's fields of `paths` from the registries that keep them, merged. The Identity
 * Server is always asked (it knows whether the device exists); the Join Server only for a
 * device with a Join Server address, as ttn-lw-cli does (ABP devices have none). A registry
 * without the device is left out and passed to `onAbsent`; any other error is the caller's.
 */
export async function getDevice(
  api: DeviceApi,
  key: DeviceKey,
  paths: readonly string[],
  onAbsent: (registry: Registry) => void = () => {},
): Promise<DeviceJson> {
  const split = splitPaths(paths, "read");
  const isPaths =
    split.js.length > 0 ? [...new Set([...split.is, "join_server_address"])] : split.is;
  const fromIs = await api.get<DeviceJson>(devicePath("is", key), {
    field_mask: isPaths.length > 0 ? isPaths : undefined,
  });
  const others = (["ns", "as", "js"] as const).filter(
    (registry) =>
      split[registry].length > 0 && (registry !== "js" || Boolean(fromIs.join_server_address)),
  );
  const answers = await Promise.all(
    others.map((registry) =>
      api
        .get<DeviceJson>(devicePath(registry, key), { field_mask: split[registry] })
        .catch((error: unknown) => {
          if (!notFound(api, error)) throw error;
          return undefined;
        }),
    ),
  );
  let merged = fromIs;
  others.forEach((registry, index) => {
    const answer = answers[index];
    if (answer === undefined) onAbsent(registry);
    else merged = mergeDevices(merged, answer);
  });
  return merged;
}

/**
 * Sets the fields of `paths` in each registry that keeps one (IS, JS, NS, AS). The device's
 * identifiers come from the Identity Server first, as ttn-lw-cli takes them: the other
 * registries want the EUIs with every change, and an unknown device fails before any change.
 */
export async function updateDevice(
  api: DeviceApi,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  const key = keyOf(device);
  const split = splitPaths(paths, "write");
  const existing = await api.get<DeviceJson>(devicePath("is", key));
  const withIds = { ...device, ids: existing.ids ?? device.ids };
  let merged: DeviceJson = {};
  for (const registry of createOrder) {
    const own = split[registry];
    if (own.length === 0) continue;
    const answer = await api.put<DeviceJson>(devicePath(registry, key), {
      end_device: pick(withIds, own),
      field_mask: { paths: own },
    });
    merged = mergeDevices(merged, answer);
  }
  return merged;
}

/**
 * Deletes the device from the Application, Network and Join Servers (each may not have it)
 * and then from the Identity Server, whose "not found" is the caller's error. Resolves the
 * registries that did not have it.
 */
export async function deleteDevice(api: DeviceApi, key: DeviceKey): Promise<Registry[]> {
  const absent: Registry[] = [];
  for (const registry of [...createOrder].reverse()) {
    try {
      await api.del(devicePath(registry, key));
    } catch (error) {
      if (registry === "is" || !notFound(api, error)) throw error;
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

import type { ApiClient } from "../client/api-client.ts";
import { errApi } from "../client/errors.ts";
import {
  CreateDeviceError,
  createDevice as createInRegistries,
  type DeviceApi,
  type DeviceJson,
  type DeviceKey,
  deleteDevice as deleteFromRegistries,
  getDevice as getFromRegistries,
  keyOf,
  messageOf,
  registryNames,
  updateDevice as updateInRegistries,
} from "./device-calls.ts";
import { errActivation } from "./errors.ts";
import { splitPaths } from "./registries.ts";

/**
 * The CLI's end device calls: the registry logic of `device-calls.ts` (shared with the Console)
 * over the CLI's HTTP client, with notes on stderr for what was skipped or rolled back.
 */
export type { DeviceJson, DeviceKey };
export { registryNames };

/** For notes to people (stderr): what was skipped or rolled back. */
export type Notify = (text: string) => void;

/** The CLI's HTTP client as the calls' transport; a 404 is its `api_error` with status 404. */
export function deviceApi(client: ApiClient): DeviceApi {
  const json = async <T>(answer: Promise<{ json: T }>) => (await answer).json;
  return {
    get: (path, query) => json(client.call("GET", path, { query })),
    post: (path, body) => json(client.call("POST", path, { body })),
    put: (path, body) => json(client.call("PUT", path, { body })),
    del: (path) => json(client.call("DELETE", path)),
    isNotFound: (error) => errApi.matches(error) && error.attributes.status === 404,
  };
}

/**
 * Registers `device` in every registry that keeps one of `paths`. Join Server fields on an
 * ABP device are the operator's mistake, refused before any call; when a registry refuses,
 * each roll-back step is noted and its error thrown.
 */
export async function createDevice(
  client: ApiClient,
  device: DeviceJson,
  paths: readonly string[],
  notify: Notify,
): Promise<DeviceJson> {
  const joinPaths = splitPaths(paths, "write").js;
  if (device.supports_join !== true && joinPaths.length > 0)
    throw errActivation.create({
      reason: `${joinPaths.join(", ")}: Join Server fields are for OTAA devices, not ABP`,
    });
  try {
    return await createInRegistries(deviceApi(client), device, paths);
  } catch (error) {
    if (!(error instanceof CreateDeviceError)) throw error;
    const { deviceId } = keyOf(device);
    for (const step of error.steps)
      notify(
        step.error === undefined
          ? `rolled back: deleted ${deviceId} from the ${registryNames[step.registry]}`
          : `could not roll back ${deviceId} in the ${registryNames[step.registry]}: ${messageOf(step.error)}`,
      );
    throw error.cause;
  }
}

/** The device's fields of `paths`, merged; a registry without the device is noted. */
export function getDevice(
  client: ApiClient,
  key: DeviceKey,
  paths: readonly string[],
  notify: Notify,
): Promise<DeviceJson> {
  return getFromRegistries(deviceApi(client), key, paths, (registry) =>
    notify(`${key.deviceId} is not in the ${registryNames[registry]}`),
  );
}

/** Sets the fields of `paths` in each registry that keeps one. */
export function updateDevice(
  client: ApiClient,
  device: DeviceJson,
  paths: readonly string[],
): Promise<DeviceJson> {
  return updateInRegistries(deviceApi(client), device, paths);
}

/** Deletes the device from every registry; resolves the ones that did not have it. */
export function deleteDevice(client: ApiClient, key: DeviceKey) {
  return deleteFromRegistries(deviceApi(client), key);
}

import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { DeviceKey } from "../registry/index.ts";
import { errInvalidIdentifier } from "./errors.ts";

const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

/** Checks an application or device ID against The Things Stack's rule. */
export function checkId(field: string, value: string): string {
  if (value.length > 36 || !idPattern.test(value))
    throw errInvalidIdentifier.create({ field, value });
  return value;
}

/** The registry key of end device identifiers; `field` prefixes the names in errors. */
export function deviceKeyOf(ids: EndDeviceIdentifiers | undefined, field: string): DeviceKey {
  return {
    applicationId: checkId(
      `${field}.application_ids.application_id`,
      ids?.applicationIds?.applicationId ?? "",
    ),
    deviceId: checkId(`${field}.device_id`, ids?.deviceId ?? ""),
  };
}

/** The device as events name it: `<application_id>.<device_id>`. */
export const deviceRef = (key: DeviceKey) => ({
  kind: "end_device" as const,
  id: `${key.applicationId}.${key.deviceId}`,
});

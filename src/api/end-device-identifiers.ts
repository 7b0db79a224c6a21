/**
 * End device identifiers as the Network, Application and Join Server registries take them: IDs
 * checked against The Things Stack's rule, the registry key, and the entity events name.
 */
import { errorNamespace } from "../errors/index.ts";
import type { EndDeviceIdentifiers } from "../gen/ttn/lorawan/v3/identifiers_pb.js";

const errors = errorNamespace("api/identifiers");

export const errInvalidIdentifier = errors.invalidArgument(
  "invalid_identifier",
  "`{field}` must be 3 to 36 lower case letters, digits and single dashes, not `{value}`",
);

/** An end device's application and device IDs: the key of the component registries. */
export interface EndDeviceKey {
  applicationId: string;
  deviceId: string;
}

const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

/** Checks an application or device ID against The Things Stack's rule. */
export function checkId(field: string, value: string): string {
  if (value.length > 36 || !idPattern.test(value))
    throw errInvalidIdentifier.create({ field, value });
  return value;
}

/** The registry key of end device identifiers; `field` prefixes the names in errors. */
export function endDeviceKeyOf(ids: EndDeviceIdentifiers | undefined, field: string): EndDeviceKey {
  return {
    applicationId: checkId(
      `${field}.application_ids.application_id`,
      ids?.applicationIds?.applicationId ?? "",
    ),
    deviceId: checkId(`${field}.device_id`, ids?.deviceId ?? ""),
  };
}

/** The device as events name it: `<application_id>.<device_id>`. */
export const endDeviceRef = (key: EndDeviceKey) => ({
  kind: "end_device" as const,
  id: `${key.applicationId}.${key.deviceId}`,
});

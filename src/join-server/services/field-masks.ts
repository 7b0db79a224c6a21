/**
 * Field masks of the public registry: which paths the Join Server takes (its own fields; paths
 * of other registries are refused, as The Things Stack's validator does), which of them name
 * root keys (they need the `_KEYS` rights), and the device as a caller may see it.
 */
import { clone, create } from "@bufbuild/protobuf";
import { isFieldPath } from "../../api/field-paths.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema, RootKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { applyFieldMask } from "../../storage/message-store/index.ts";
import { isJoinServerPath } from "../registry/fields.ts";
import { errForbiddenFieldMaskPaths } from "./errors.ts";

/** The root keys' plain key fields, by envelope. */
const keyPaths = {
  appKey: "root_keys.app_key.key",
  nwkKey: "root_keys.nwk_key.key",
} as const;

/** Paths every answer carries, as The Things Stack's: the identifiers and the times. */
const alwaysReturned = ["ids", "created_at", "updated_at"];

/** Whether `path` names `field` or a message holding it (`root_keys` names `root_keys.app_key.key`). */
function covers(path: string, field: string): boolean {
  return path === field || field.startsWith(`${path}.`);
}

/** Whether the paths name a plain root key (reading or writing it needs a `_KEYS` right). */
export function namesRootKeys(paths: readonly string[]): boolean {
  return paths.some(
    (path) =>
      Object.values(keyPaths).some((field) => covers(path, field)) ||
      covers(path, "root_keys.root_key_id"),
  );
}

/** Whether reading the paths shows a plain root key. */
export function readsRootKeys(paths: readonly string[]): boolean {
  return paths.some((path) => Object.values(keyPaths).some((field) => covers(path, field)));
}

/** Refuses paths that are no field of `EndDevice` or that another registry keeps. */
export function checkPaths(paths: readonly string[]): void {
  const forbidden = paths.filter(
    (path) => !isFieldPath(EndDeviceSchema, path) || !isJoinServerPath(path),
  );
  if (forbidden.length > 0)
    throw errForbiddenFieldMaskPaths.create({ forbidden_paths: forbidden.join(", ") });
}

/**
 * The device as an answer shows it: the identifiers, the times and the masked fields; root keys
 * only where the mask names their `key` (in plain), never their stored envelopes.
 */
export function visibleDevice(device: EndDevice, paths: readonly string[]): EndDevice {
  const shown = clone(EndDeviceSchema, device);
  if (device.rootKeys) {
    const rootKeys = create(RootKeysSchema, { rootKeyId: device.rootKeys.rootKeyId });
    for (const [field, path] of Object.entries(keyPaths) as [keyof typeof keyPaths, string][]) {
      const key = device.rootKeys[field]?.key;
      if (key?.length && paths.some((requested) => covers(requested, path)))
        rootKeys[field] = create(KeyEnvelopeSchema, { key });
    }
    shown.rootKeys = rootKeys;
  }
  return applyFieldMask(EndDeviceSchema, shown, [...alwaysReturned, ...paths]);
}

/**
 * Field masks of the public registry: which paths the Network Server takes (its own fields;
 * paths of other registries are refused, as The Things Stack's validator does; the MAC state
 * is read-only), which of them name session keys (they need the `_KEYS` rights), and the
 * device as a caller may see it.
 */
import { clone, create } from "@bufbuild/protobuf";
import { isFieldPath } from "../../api/field-paths.ts";
import type { RightName } from "../../auth/rights/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema, type SessionKeys } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { applyFieldMask } from "../../storage/message-store/index.ts";
import { isNetworkServerPath } from "../registry/index.ts";
import { errForbiddenFieldMaskPaths } from "./errors.ts";

/** Where a device holds session keys, by field path and by how to reach them. */
const keyPlaces: readonly (readonly [string, (device: EndDevice) => SessionKeys | undefined])[] = [
  ["session.keys", (device) => device.session?.keys],
  ["pending_session.keys", (device) => device.pendingSession?.keys],
  ["mac_state.queued_join_accept.keys", (device) => device.macState?.queuedJoinAccept?.keys],
  [
    "pending_mac_state.queued_join_accept.keys",
    (device) => device.pendingMacState?.queuedJoinAccept?.keys,
  ],
];

const keyFields = [
  ["fNwkSIntKey", "f_nwk_s_int_key"],
  ["sNwkSIntKey", "s_nwk_s_int_key"],
  ["nwkSEncKey", "nwk_s_enc_key"],
] as const;

/** Every plain session key path: `session.keys.f_nwk_s_int_key.key`, ... */
const keyPaths = keyPlaces.flatMap(([place]) =>
  keyFields.map(([, name]) => `${place}.${name}.key`),
);

/** The session key paths a Set may write (the MAC state is read-only). */
const writableKeyPaths = [
  ...keyPaths.filter((path) => path.startsWith("session.") || path.startsWith("pending_session.")),
  "session.keys.session_key_id",
  "pending_session.keys.session_key_id",
];

/** Application downlinks: reading them needs the link right, as The Things Stack's. */
const downlinkQueuePaths = [
  "session.queued_application_downlinks",
  "pending_session.queued_application_downlinks",
];

/** Read-only fields: the Network Server's own state. */
const readOnly = ["mac_state", "pending_mac_state"];

/** Paths every answer carries, as The Things Stack's: the identifiers and the times. */
const alwaysReturned = ["ids", "created_at", "updated_at"];

/** Whether `path` names `field` or a message holding it (`session` names `session.dev_addr`). */
export function covers(path: string, field: string): boolean {
  return path === field || field.startsWith(`${path}.`);
}

/** Whether any of `paths` names any of `fields` or a message holding one. */
export function namesAny(paths: readonly string[], fields: readonly string[]): boolean {
  return paths.some((path) => fields.some((field) => covers(path, field)));
}

/** The rights reading `paths` needs, as The Things Stack's `appendRequiredDeviceReadRights`. */
export function readRights(paths: readonly string[]): RightName[] {
  const rights: RightName[] = ["RIGHT_APPLICATION_DEVICES_READ"];
  if (namesAny(paths, downlinkQueuePaths)) rights.push("RIGHT_APPLICATION_LINK");
  if (namesAny(paths, keyPaths)) rights.push("RIGHT_APPLICATION_DEVICES_READ_KEYS");
  return rights;
}

/** The rights writing `paths` needs. */
export function writeRights(paths: readonly string[]): RightName[] {
  const rights: RightName[] = ["RIGHT_APPLICATION_DEVICES_WRITE"];
  if (namesAny(paths, writableKeyPaths)) rights.push("RIGHT_APPLICATION_DEVICES_WRITE_KEYS");
  return rights;
}

/** Refuses paths that are no field of `EndDevice` or that another registry keeps. */
export function checkReadPaths(paths: readonly string[]): void {
  refuse(paths.filter((path) => !isFieldPath(EndDeviceSchema, path) || !isNetworkServerPath(path)));
}

/** {@link checkReadPaths}, and the read-only MAC state. */
export function checkWritePaths(paths: readonly string[]): void {
  checkReadPaths(paths);
  refuse(paths.filter((path) => readOnly.some((field) => covers(field, path))));
}

function refuse(forbidden: readonly string[]): void {
  if (forbidden.length > 0)
    throw errForbiddenFieldMaskPaths.create({ forbidden_paths: forbidden.join(", ") });
}

/**
 * The device as an answer shows it: the identifiers, the times and the masked fields; session
 * keys only where the mask names their `key` (in plain), never their stored envelopes.
 */
export function visibleDevice(device: EndDevice, paths: readonly string[]): EndDevice {
  const shown = clone(EndDeviceSchema, device);
  for (const [place, reach] of keyPlaces) {
    const keys = reach(shown);
    if (!keys) continue;
    for (const [field, name] of keyFields) {
      const key = keys[field]?.key;
      keys[field] =
        key?.length && paths.some((path) => covers(path, `${place}.${name}.key`))
          ? create(KeyEnvelopeSchema, { key })
          : undefined;
    }
  }
  return applyFieldMask(EndDeviceSchema, shown, [...alwaysReturned, ...paths]);
}

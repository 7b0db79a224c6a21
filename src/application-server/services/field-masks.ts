/**
 * Field masks of the Application Server's device registry, after The Things Stack's: which
 * paths it takes (its own fields; of a session only the DevAddr, the AppSKey, the session key
 * ID and the application downlink counter; the pending session is read-only), which of them
 * need the `_KEYS` rights, and the device as a caller may see it.
 */
import { clone, create } from "@bufbuild/protobuf";
import { isFieldPath } from "../../api/field-paths.ts";
import type { RightName } from "../../auth/rights/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { KeyEnvelopeSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { applyFieldMask } from "../../storage/message-store/index.ts";
import { errForbiddenFieldMaskPaths } from "../errors.ts";

/** Top-level fields of the API (the registry also keeps `locations` and `attributes` for the AS itself). */
const topLevel = new Set([
  "ids",
  "created_at",
  "updated_at",
  "version_ids",
  "formatters",
  "session",
  "pending_session",
  "skip_payload_crypto",
  "skip_payload_crypto_override",
]);

/** The parts of a session that are the Application Server's (below `session.`). */
const sessionParts = ["dev_addr", "keys.session_key_id", "keys.app_s_key.key", "last_a_f_cnt_down"];
const sessions = ["session", "pending_session"];

/** The plain AppSKeys, by session. */
const keyPaths = sessions.map((session) => `${session}.keys.app_s_key.key`);

/** Read-only: the pending session is the Network Server's to start and the uplinks' to end. */
const readOnly = ["pending_session", "created_at", "updated_at"];

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

function isApplicationServerPath(path: string): boolean {
  const [top = "", ...rest] = path.split(".");
  if (!topLevel.has(top)) return false;
  if (!sessions.includes(top) || rest.length === 0) return true;
  // `session.keys` names the AppSKey and the session key ID; `session.keys.f_nwk_s_int_key` is the NS's.
  const below = rest.join(".");
  return sessionParts.some((part) => covers(below, part) || covers(part, below));
}

/** The rights reading `paths` needs, as The Things Stack's. */
export function readRights(paths: readonly string[]): RightName[] {
  const rights: RightName[] = ["RIGHT_APPLICATION_DEVICES_READ"];
  if (namesAny(paths, keyPaths)) rights.push("RIGHT_APPLICATION_DEVICES_READ_KEYS");
  return rights;
}

/** The rights writing `paths` needs, as The Things Stack's. */
export function writeRights(paths: readonly string[]): RightName[] {
  const rights: RightName[] = ["RIGHT_APPLICATION_DEVICES_WRITE"];
  if (namesAny(paths, ["session.keys.app_s_key.key", "session.keys.session_key_id"]))
    rights.push("RIGHT_APPLICATION_DEVICES_WRITE_KEYS");
  return rights;
}

/** Refuses paths that are no field of `EndDevice` or that another registry keeps. */
export function checkReadPaths(paths: readonly string[]): void {
  refuse(
    paths.filter((path) => !isFieldPath(EndDeviceSchema, path) || !isApplicationServerPath(path)),
  );
}

/** {@link checkReadPaths}, and the read-only fields. */
export function checkWritePaths(paths: readonly string[]): void {
  checkReadPaths(paths);
  refuse(paths.filter((path) => readOnly.some((field) => covers(field, path))));
}

function refuse(forbidden: readonly string[]): void {
  if (forbidden.length > 0)
    throw errForbiddenFieldMaskPaths.create({ forbidden_paths: forbidden.join(", ") });
}

/**
 * The device as an answer shows it: the identifiers, the times and the masked fields; an
 * AppSKey only where the mask names its `key` (in plain), never a stored envelope; of session
 * keys nothing that is another registry's.
 */
export function visibleDevice(device: EndDevice, paths: readonly string[]): EndDevice {
  const shown = clone(EndDeviceSchema, device);
  for (const [session, field] of [
    ["session", "session"],
    ["pending_session", "pendingSession"],
  ] as const) {
    const keys = shown[field]?.keys;
    if (!keys) continue;
    const key = keys.appSKey?.key;
    keys.appSKey =
      key?.length && namesAny(paths, [`${session}.keys.app_s_key.key`])
        ? create(KeyEnvelopeSchema, { key })
        : undefined;
  }
  const masked = paths.filter(isApplicationServerPath);
  return applyFieldMask(EndDeviceSchema, shown, [
    ...alwaysReturned,
    ...masked.flatMap(expandSession),
  ]);
}

/** `session` and `session.keys` as the AS parts they hold, so that no NS part is shown. */
function expandSession(path: string): string[] {
  const [top = ""] = path.split(".");
  if (!sessions.includes(top)) return [path];
  const below = path.slice(top.length + 1);
  return sessionParts
    .filter((part) => below === "" || covers(below, part))
    .map((part) => `${top}.${part}`)
    .concat(below !== "" && sessionParts.some((part) => covers(part, below)) ? [path] : []);
}

/**
 * Application payloads and the sessions that encrypt them: which of an end device's sessions
 * (session or pending session) a session key ID names, and FRMPayload encryption of downlinks
 * with its AppSKey (LoRaWAN §4.3.3: AES with the DevAddr and the full frame counter).
 */
import { clone } from "@bufbuild/protobuf";
import type { EndDevice, Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { decryptFrmPayload, encryptFrmPayload } from "../../lorawan/crypto/index.ts";
import { bytesEqual } from "../../lorawan/types/index.ts";
import { errNoAppSKey } from "./errors.ts";

/** The device's session (then pending session) whose keys have this ID. */
export function sessionWithKeyId(
  device: EndDevice | undefined,
  sessionKeyId: Uint8Array,
): Session | undefined {
  for (const session of [device?.session, device?.pendingSession])
    if (session?.keys && bytesEqual(session.keys.sessionKeyId, sessionKeyId)) return session;
  return undefined;
}

/** The session's AppSKey in plain; `no_app_s_key` when the registry has none. */
export function appSKeyOf(session: Session): Uint8Array {
  const key = session.keys?.appSKey?.key;
  if (key?.length === 16) return key;
  throw errNoAppSKey.create({ session_key_id: hex(session.keys?.sessionKeyId) });
}

/** A copy of the downlink with its plain `frm_payload` encrypted for the session at `fCnt`. */
export function encryptDownlink(
  downlink: ApplicationDownlink,
  session: Session,
  fCnt: number,
  options: { skipCrypto: boolean },
): ApplicationDownlink {
  const out = clone(ApplicationDownlinkSchema, downlink);
  out.sessionKeyId = session.keys?.sessionKeyId ?? new Uint8Array();
  out.fCnt = fCnt;
  // The Network Server gets bytes only: what the formatter read or wrote stays here.
  out.decodedPayload = undefined;
  out.decodedPayloadWarnings = [];
  if (!options.skipCrypto && out.frmPayload.length > 0)
    out.frmPayload = encryptFrmPayload(
      appSKeyOf(session),
      "downlink",
      session.devAddr,
      fCnt,
      out.frmPayload,
    );
  return out;
}

/** A copy of the downlink with its `frm_payload` decrypted with the session's AppSKey. */
export function decryptDownlink(
  downlink: ApplicationDownlink,
  session: Session,
  options: { skipCrypto: boolean },
): ApplicationDownlink {
  const out = clone(ApplicationDownlinkSchema, downlink);
  if (!options.skipCrypto && out.frmPayload.length > 0)
    out.frmPayload = decryptFrmPayload(
      appSKeyOf(session),
      "downlink",
      session.devAddr,
      out.fCnt,
      out.frmPayload,
    );
  return out;
}

export function hex(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array())
    .toString("hex")
    .toUpperCase();
}

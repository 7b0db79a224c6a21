import { createHash } from "node:crypto";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

/**
 * The task queue key of a message waiting for the Application Server: the same for a retried
 * forward of the same message, so that it is queued once. A data uplink is named by its device,
 * kind, session keys and FCnt (an uplink is never handed over twice with one FCnt in a session;
 * a new session starts counting again); other messages by their
 * device, kind and correlation ids (the encoded message when it has none), hashed to keep the
 * key short. The device comes first, so a device's tasks share a prefix.
 */
export function applicationUpTaskKey(up: ApplicationUp, encoded: Uint8Array): string {
  const ids = up.endDeviceIds;
  const device = `${ids?.applicationIds?.applicationId ?? ""}.${ids?.deviceId ?? ""}`;
  const kind = up.up.case ?? "none";
  if (up.up.case === "uplinkMessage") {
    const session = Buffer.from(up.up.value.sessionKeyId).toString("hex");
    return `${device}/${kind}/${session}/${up.up.value.fCnt}`;
  }
  const digest = createHash("sha256");
  if (up.correlationIds.length > 0) digest.update(up.correlationIds.join("\n"));
  else digest.update(encoded);
  return `${device}/${kind}/${digest.digest("base64url").slice(0, 22)}`;
}

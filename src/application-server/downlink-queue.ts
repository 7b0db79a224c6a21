import type { EndDeviceIdentifiers } from "../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { ApplicationDownlink } from "../gen/ttn/lorawan/v3/messages_pb.js";

/**
 * An end device's application downlink queue as integrations use it (MQTT `down/push` and
 * `down/replace`, webhook downlink endpoints, `AppAs` over gRPC and REST).
 *
 * Downlinks come in as users write them: `frm_payload` in plain text, or only
 * `decoded_payload` to be encoded by the device's (or application's) formatter. The queue
 * encodes, encrypts with the session's AppSKey, assigns frame counters and hands them to the
 * Network Server (`AsNs`); it emits `downlink_queued` for each. Callers check rights before
 * they call it. Errors are the Application Server's typed errors (device not found, no
 * session, encoding failed, queue full, ...).
 */
export interface ApplicationDownlinkQueue {
  /** Adds the downlinks at the end of the queue. */
  push(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]): Promise<void>;
  /** Replaces the whole queue with these downlinks (none clears it). */
  replace(ids: EndDeviceIdentifiers, downlinks: ApplicationDownlink[]): Promise<void>;
  /** The queued downlinks in plain text (decrypted), in queue order. */
  list(ids: EndDeviceIdentifiers): Promise<ApplicationDownlink[]>;
}

import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

/** The `ApplicationUp` cases the storage keeps, by case, with The Things Stack's type name. */
const storedTypes: Record<string, string> = {
  uplinkMessage: "uplink_message",
  joinAccept: "join_accept",
  downlinkAck: "downlink_ack",
  downlinkNack: "downlink_nack",
  downlinkSent: "downlink_sent",
  downlinkFailed: "downlink_failed",
  downlinkQueued: "downlink_queued",
  downlinkQueueInvalidated: "downlink_queue_invalidated",
  locationSolved: "location_solved",
  serviceData: "service_data",
};

/**
 * The type names a query may ask for: the stored ones, and `uplink_normalized`, which The
 * Things Stack accepts but which has no case of its own here (nothing matches it).
 */
export const queryableTypes: ReadonlySet<string> = new Set([
  ...Object.values(storedTypes),
  "uplink_normalized",
]);

/** The stored type of a message (`uplink_message`, ...), or `undefined` when it is not kept. */
export function storedTypeOf(up: ApplicationUp): string | undefined {
  return up.up.case === undefined ? undefined : storedTypes[up.up.case];
}

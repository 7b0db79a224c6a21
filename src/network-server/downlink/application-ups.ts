/** The ApplicationUp messages the downlink path sends the Application Server. */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import {
  type ApplicationDownlink,
  type ApplicationUp,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";

type DownlinkUp = "downlinkAck" | "downlinkNack" | "downlinkSent";

/** `downlink_ack`, `downlink_nack` or `downlink_sent` of an application downlink. */
export function downlinkUp(
  device: EndDevice,
  kind: DownlinkUp,
  downlink: ApplicationDownlink,
  nowMs: number,
): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: device.ids,
    correlationIds: [...downlink.correlationIds],
    receivedAt: timestampFromMs(nowMs),
    up: { case: kind, value: downlink },
  });
}

/** `downlink_failed`: the downlink was not sent, and why. */
export function downlinkFailedUp(
  device: EndDevice,
  downlink: ApplicationDownlink,
  error: ErrorDetails,
  nowMs: number,
): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: device.ids,
    correlationIds: [...downlink.correlationIds],
    receivedAt: timestampFromMs(nowMs),
    up: { case: "downlinkFailed", value: { downlink, error } },
  });
}

/** `downlink_queue_invalidated`: queued downlinks the session can no longer send as they are. */
export function queueInvalidatedUp(
  device: EndDevice,
  downlinks: readonly ApplicationDownlink[],
  lastFCntDown: number,
  nowMs: number,
): ApplicationUp {
  return create(ApplicationUpSchema, {
    endDeviceIds: device.ids,
    correlationIds: downlinks.flatMap((d) => d.correlationIds),
    receivedAt: timestampFromMs(nowMs),
    up: {
      case: "downlinkQueueInvalidated",
      value: {
        downlinks: [...downlinks],
        lastFCntDown,
        sessionKeyId: device.session?.keys?.sessionKeyId ?? new Uint8Array(),
      },
    },
  });
}

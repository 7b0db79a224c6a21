/**
 * ACK tracking of confirmed downlinks: the uplink after a confirmed downlink says, by its ACK
 * bit, whether the device received it. The uplink pipeline calls this before the MAC layer.
 */
import { clone } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { downlinkUp } from "./application-ups.ts";

/**
 * The pending confirmed downlink answered by an uplink: `downlink_ack` when the uplink has the
 * ACK bit, `downlink_nack` otherwise (the Application Server may queue it again), and the
 * device without it. No pending downlink: the device as it is, nothing to send.
 */
export function acknowledgeDownlink(
  device: EndDevice,
  uplinkAck: boolean,
  nowMs: number = Date.now(),
): { device: EndDevice; ups: ApplicationUp[] } {
  const pending = device.macState?.pendingApplicationDownlink;
  if (pending === undefined) return { device, ups: [] };
  const next = clone(EndDeviceSchema, device);
  if (next.macState) next.macState.pendingApplicationDownlink = undefined;
  return {
    device: next,
    ups: [downlinkUp(device, uplinkAck ? "downlinkAck" : "downlinkNack", pending, nowMs)],
  };
}

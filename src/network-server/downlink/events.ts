/**
 * The events of the Network Server's downlinks, with The Things Stack's names, visibility and
 * data: the attempt carries the DownlinkMessage, the success the Gateway Server's
 * ScheduleDownlinkResponse, a failure the error as ErrorDetails.
 */
import { defineEvent } from "../../events/index.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { ScheduleDownlinkResponseSchema } from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { DownlinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";

const visibility = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

export const evtScheduleDataDownlinkAttempt = defineEvent("ns.down.data.schedule.attempt", {
  description: "schedule data downlink for transmission on Gateway Server",
  visibility,
  dataType: DownlinkMessageSchema,
});
export const evtScheduleDataDownlinkSuccess = defineEvent("ns.down.data.schedule.success", {
  description: "successfully scheduled data downlink for transmission on Gateway Server",
  visibility,
  dataType: ScheduleDownlinkResponseSchema,
});
export const evtScheduleDataDownlinkFail = defineEvent("ns.down.data.schedule.fail", {
  description: "schedule data downlink for transmission on Gateway Server",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtScheduleJoinAcceptAttempt = defineEvent("ns.down.join.schedule.attempt", {
  description: "schedule join-accept for transmission on Gateway Server",
  visibility,
  dataType: DownlinkMessageSchema,
});
export const evtScheduleJoinAcceptSuccess = defineEvent("ns.down.join.schedule.success", {
  description: "successfully scheduled join-accept for transmission on Gateway Server",
  visibility,
  dataType: ScheduleDownlinkResponseSchema,
});
export const evtScheduleJoinAcceptFail = defineEvent("ns.down.join.schedule.fail", {
  description: "schedule join-accept for transmission on Gateway Server",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtTransmissionSuccess = defineEvent("ns.down.transmission.success", {
  description: "downlink successfully transmitted",
  visibility,
  dataType: DownlinkMessageSchema,
});
export const evtTransmissionFail = defineEvent("ns.down.transmission.fail", {
  description: "transmit downlink",
  visibility,
  dataType: ErrorDetailsSchema,
});

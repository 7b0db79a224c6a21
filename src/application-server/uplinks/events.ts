/**
 * The Application Server's uplink events, with The Things Stack's names and data: messages
 * received from the Network Server, dropped (with the error), forwarded to the integrations
 * (the `ApplicationUp`), and the uplink formatter's failures and warnings.
 */
import { defineEvent } from "../../events/index.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import {
  ApplicationUplinkSchema,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";

const visibility = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

export const evtReceiveDataUp = defineEvent("as.up.data.receive", {
  description: "receive uplink data message",
  visibility,
});
export const evtDropDataUp = defineEvent("as.up.data.drop", {
  description: "drop uplink data message",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtForwardDataUp = defineEvent("as.up.data.forward", {
  description: "forward uplink data message",
  visibility,
  dataType: ApplicationUpSchema,
});
export const evtForwardNormalizedUp = defineEvent("as.up.normalized.forward", {
  description: "forward normalized uplink data message",
  visibility,
  dataType: ApplicationUpSchema,
});
export const evtDecodeFailDataUp = defineEvent("as.up.data.decode.fail", {
  description: "decode uplink data message failure",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtDecodeWarningDataUp = defineEvent("as.up.data.decode.warning", {
  description: "decode uplink data message warning",
  visibility,
  dataType: ApplicationUplinkSchema,
});
export const evtReceiveJoinAccept = defineEvent("as.up.join.receive", {
  description: "receive join-accept message",
  visibility,
});
export const evtDropJoinAccept = defineEvent("as.up.join.drop", {
  description: "drop join-accept message",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtForwardJoinAccept = defineEvent("as.up.join.forward", {
  description: "forward join-accept message",
  visibility,
  dataType: ApplicationUpSchema,
});
export const evtForwardLocationSolved = defineEvent("as.up.location.forward", {
  description: "forward location solved message",
  visibility,
  dataType: ApplicationUpSchema,
});
export const evtForwardServiceData = defineEvent("as.up.service.forward", {
  description: "forward service data message",
  visibility,
  dataType: ApplicationUpSchema,
});

/**
 * The Application Server's downlink events, with The Things Stack's names and data: a downlink
 * received from an integration (`as.down.data.receive`), handed to the Network Server
 * (`as.down.data.forward`), dropped (`as.down.data.drop`, with the error), and the downlink
 * formatter's failures and warnings.
 */
import { defineEvent } from "../../events/index.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { ApplicationDownlinkSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";

const visibility = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

export const evtReceiveDataDown = defineEvent("as.down.data.receive", {
  description: "receive downlink data message",
  visibility,
  dataType: ApplicationDownlinkSchema,
});
export const evtForwardDataDown = defineEvent("as.down.data.forward", {
  description: "forward downlink data message",
  visibility,
  dataType: ApplicationDownlinkSchema,
});
export const evtDropDataDown = defineEvent("as.down.data.drop", {
  description: "drop downlink data message",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtEncodeFailDataDown = defineEvent("as.down.data.encode.fail", {
  description: "encode downlink data message failure",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtEncodeWarningDataDown = defineEvent("as.down.data.encode.warning", {
  description: "encode downlink data message warning",
  visibility,
  dataType: ApplicationDownlinkSchema,
});
export const evtDecodeFailDataDown = defineEvent("as.down.data.decode.fail", {
  description: "decode downlink data message failure",
  visibility,
  dataType: ErrorDetailsSchema,
});
export const evtDecodeWarningDataDown = defineEvent("as.down.data.decode.warning", {
  description: "decode downlink data message warning",
  visibility,
  dataType: ApplicationDownlinkSchema,
});

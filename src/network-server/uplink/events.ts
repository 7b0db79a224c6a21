/**
 * The events of the Network Server's uplink path, with The Things Stack's names: a data uplink
 * received, dropped (with the reason) and processed, and receptions that came after their
 * deduplication window. `ns.up.data.forward` is the forwarder's (application-uplinks/).
 */
import { defineEvent } from "../../events/index.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { UplinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";

const traffic = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

export const evtReceiveDataUplink = defineEvent("ns.up.data.receive", {
  description: "receive data message",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
export const evtDropDataUplink = defineEvent("ns.up.data.drop", {
  description: "drop data message",
  visibility: traffic,
  dataType: ErrorDetailsSchema,
});
export const evtProcessDataUplink = defineEvent("ns.up.data.process", {
  description: "successfully processed data message",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
export const evtReceiveDuplicateUplink = defineEvent("ns.up.receive_duplicate", {
  description: "receive duplicate uplink message",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});

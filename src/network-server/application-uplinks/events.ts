/**
 * What The Things Stack's Network Server publishes once the Application Server took a message:
 * `ns.up.data.forward` with the uplink, `ns.up.join.accept.forward` with the join-accept
 * (without its AppSKey).
 */
import { defineEvent } from "../../events/index.ts";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";

export const evtForwardDataUplink = defineEvent("ns.up.data.forward", {
  description: "forward data message to Application Server",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: ApplicationUpSchema,
});
export const evtForwardJoinAccept = defineEvent("ns.up.join.accept.forward", {
  description: "forward join-accept to Application Server",
  visibility: ["RIGHT_APPLICATION_TRAFFIC_READ"],
  dataType: ApplicationUpSchema,
});

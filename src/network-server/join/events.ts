/**
 * The events of the Network Server's join handling, with The Things Stack's names, descriptions
 * and data: the join-request received, dropped (the error) and processed, and each attempt to
 * reach a Join Server (the cluster's, then one through LoRaWAN Backend Interfaces).
 */
import { defineEvent } from "../../events/index.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { JoinRequestSchema, JoinResponseSchema } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { UplinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";

const traffic = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

export const evtReceiveJoinRequest = defineEvent("ns.up.join.receive", {
  description: "receive join-request",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
export const evtDropJoinRequest = defineEvent("ns.up.join.drop", {
  description: "drop join-request",
  visibility: traffic,
  dataType: ErrorDetailsSchema,
});
export const evtProcessJoinRequest = defineEvent("ns.up.join.process", {
  description: "successfully processed join-request",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
/**
 * Rejoin-requests (LoRaWAN 1.1). The Things Stack defines `ns.up.rejoin.drop` ("drop
 * rejoin-request") and its Console reads `ns.up.rejoin.receive`; `process` is named as the
 * join-request's. The Join Server attempts are the join-request's `ns.up.join.cluster.*` and
 * `ns.up.join.interop.*`, as the same `NsJs.HandleJoin` carries both.
 */
export const evtReceiveRejoinRequest = defineEvent("ns.up.rejoin.receive", {
  description: "receive rejoin-request",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
export const evtDropRejoinRequest = defineEvent("ns.up.rejoin.drop", {
  description: "drop rejoin-request",
  visibility: traffic,
  dataType: ErrorDetailsSchema,
});
export const evtProcessRejoinRequest = defineEvent("ns.up.rejoin.process", {
  description: "successfully processed rejoin-request",
  visibility: traffic,
  dataType: UplinkMessageSchema,
});
export const evtClusterJoinAttempt = defineEvent("ns.up.join.cluster.attempt", {
  description: "send join-request to cluster-local Join Server",
  visibility: traffic,
  dataType: JoinRequestSchema,
});
/** Data: the answer without its session keys. */
export const evtClusterJoinSuccess = defineEvent("ns.up.join.cluster.success", {
  description: "join-request to cluster-local Join Server succeeded",
  visibility: traffic,
  dataType: JoinResponseSchema,
});
export const evtClusterJoinFail = defineEvent("ns.up.join.cluster.fail", {
  description: "join-request to cluster-local Join Server failed",
  visibility: traffic,
  dataType: ErrorDetailsSchema,
});
export const evtInteropJoinAttempt = defineEvent("ns.up.join.interop.attempt", {
  description: "forward join-request to interoperability Join Server",
  visibility: traffic,
  dataType: JoinRequestSchema,
});
/** Data: the answer without its session keys. */
export const evtInteropJoinSuccess = defineEvent("ns.up.join.interop.success", {
  description: "join-request to interoperability Join Server succeeded",
  visibility: traffic,
  dataType: JoinResponseSchema,
});
export const evtInteropJoinFail = defineEvent("ns.up.join.interop.fail", {
  description: "join-request to interoperability Join Server failed",
  visibility: traffic,
  dataType: ErrorDetailsSchema,
});

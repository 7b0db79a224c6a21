/**
 * The events the Gateway Server publishes, with The Things Stack's names, visibility and data:
 * connections (`gs.gateway.connect`, `gs.gateway.disconnect`), live traffic (`gs.up.receive`,
 * `gs.up.drop`, `gs.down.send`, `gs.down.tx.success`, `gs.down.tx.fail`) and status messages
 * (`gs.status.receive`), all about the gateway.
 */
import { defineEvent, jsonData } from "../events/index.ts";
import { GatewayStatusSchema } from "../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  DownlinkMessageSchema,
  TxAcknowledgmentSchema,
  UplinkMessageSchema,
} from "../gen/ttn/lorawan/v3/messages_pb.js";

export const evtGatewayConnect = defineEvent("gs.gateway.connect", {
  description: "connect gateway",
  visibility: ["RIGHT_GATEWAY_LINK", "RIGHT_GATEWAY_STATUS_READ"],
});
/** Data: why it disconnected, as `{namespace, name, message}` when it was an error. */
export const evtGatewayDisconnect = defineEvent("gs.gateway.disconnect", {
  description: "disconnect gateway",
  visibility: ["RIGHT_GATEWAY_LINK", "RIGHT_GATEWAY_STATUS_READ"],
  dataType: jsonData<{ namespace: string; name: string; message: string }>(),
});
export const evtUplinkReceive = defineEvent("gs.up.receive", {
  description: "receive uplink message",
  visibility: ["RIGHT_GATEWAY_TRAFFIC_READ"],
  dataType: UplinkMessageSchema,
});
/** Data: the reason the uplink was dropped. */
export const evtUplinkDrop = defineEvent("gs.up.drop", {
  description: "drop uplink message",
  visibility: ["RIGHT_GATEWAY_TRAFFIC_READ"],
  dataType: jsonData<{ reason: string }>(),
});
export const evtDownlinkSend = defineEvent("gs.down.send", {
  description: "send downlink message",
  visibility: ["RIGHT_GATEWAY_TRAFFIC_READ"],
  dataType: DownlinkMessageSchema,
});
export const evtDownlinkTxSuccess = defineEvent("gs.down.tx.success", {
  description: "transmit downlink message successful",
  visibility: ["RIGHT_GATEWAY_TRAFFIC_READ"],
  dataType: TxAcknowledgmentSchema,
});
export const evtDownlinkTxFail = defineEvent("gs.down.tx.fail", {
  description: "transmit downlink message failure",
  visibility: ["RIGHT_GATEWAY_TRAFFIC_READ"],
  dataType: TxAcknowledgmentSchema,
});
export const evtStatusReceive = defineEvent("gs.status.receive", {
  description: "receive gateway status",
  visibility: ["RIGHT_GATEWAY_STATUS_READ"],
  dataType: GatewayStatusSchema,
});

/**
 * The events of the Network Server's MAC layer, with The Things Stack's names
 * (`ns.mac.<command>.request|answer|indication|confirmation`, `.answer.accept|reject`,
 * `ns.class.switch.<class>`), visible with RIGHT_APPLICATION_TRAFFIC_READ. Their data is the
 * command's fields as plain JSON. Handlers return the events to publish; the caller publishes.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { defineEvent, type EventDefinition, jsonData } from "../../events/index.ts";

/** The fields of a MAC command (or a drop reason) as event data. */
export const macCommandData = jsonData<JsonObject>();

/** An event definition of the MAC layer: its data is plain JSON. */
export type MacEventDefinition = EventDefinition<JsonObject>;

const visibility = ["RIGHT_APPLICATION_TRAFFIC_READ"] as const;

function define(name: string, description: string): MacEventDefinition {
  return defineEvent(name, { description, visibility, dataType: macCommandData });
}

/** `ns.mac.<name>.request`: a request enqueued (network-initiated commands). */
function enqueueRequest(name: string, description: string) {
  return define(`ns.mac.${name}.request`, `${description} request enqueued`);
}
/** `ns.mac.<name>.answer`: an answer received (network-initiated commands). */
function receiveAnswer(name: string, description: string) {
  return define(`ns.mac.${name}.answer`, `${description} answer received`);
}
function receiveAccept(name: string, description: string) {
  return define(`ns.mac.${name}.answer.accept`, `${description} accept received`);
}
function receiveReject(name: string, description: string) {
  return define(`ns.mac.${name}.answer.reject`, `${description} rejection received`);
}
/** `ns.mac.<name>.request`: a request received (device-initiated commands). */
function receiveRequest(name: string, description: string) {
  return define(`ns.mac.${name}.request`, `${description} request received`);
}
function enqueueAnswer(name: string, description: string) {
  return define(`ns.mac.${name}.answer`, `${description} answer enqueued`);
}
function receiveIndication(name: string, description: string) {
  return define(`ns.mac.${name}.indication`, `${description} indication received`);
}
function enqueueConfirmation(name: string, description: string) {
  return define(`ns.mac.${name}.confirmation`, `${description} confirmation enqueued`);
}

export const evtReceiveLinkCheckRequest = receiveRequest("link_check", "link check");
export const evtEnqueueLinkCheckAnswer = enqueueAnswer("link_check", "link check");

export const evtEnqueueLinkADRRequest = enqueueRequest("link_adr", "link ADR");
export const evtReceiveLinkADRAccept = receiveAccept("link_adr", "link ADR");
export const evtReceiveLinkADRReject = receiveReject("link_adr", "link ADR");

export const evtEnqueueDutyCycleRequest = enqueueRequest("duty_cycle", "duty cycle");
export const evtReceiveDutyCycleAnswer = receiveAnswer("duty_cycle", "duty cycle");

export const evtEnqueueRxParamSetupRequest = enqueueRequest("rx_param_setup", "Rx parameter setup");
export const evtReceiveRxParamSetupAccept = receiveAccept("rx_param_setup", "Rx parameter setup");
export const evtReceiveRxParamSetupReject = receiveReject("rx_param_setup", "Rx parameter setup");

export const evtEnqueueDevStatusRequest = enqueueRequest("dev_status", "device status");
export const evtReceiveDevStatusAnswer = receiveAnswer("dev_status", "device status");

export const evtEnqueueNewChannelRequest = enqueueRequest("new_channel", "new channel");
export const evtReceiveNewChannelAccept = receiveAccept("new_channel", "new channel");
export const evtReceiveNewChannelReject = receiveReject("new_channel", "new channel");

export const evtEnqueueRxTimingSetupRequest = enqueueRequest("rx_timing_setup", "Rx timing setup");
export const evtReceiveRxTimingSetupAnswer = receiveAnswer("rx_timing_setup", "Rx timing setup");

export const evtEnqueueTxParamSetupRequest = enqueueRequest("tx_param_setup", "Tx parameter setup");
export const evtReceiveTxParamSetupAnswer = receiveAnswer("tx_param_setup", "Tx parameter setup");

export const evtEnqueueDLChannelRequest = enqueueRequest(
  "dl_channel",
  "downlink Rx1 channel frequency modification",
);
export const evtReceiveDLChannelAccept = receiveAccept(
  "dl_channel",
  "downlink Rx1 channel frequency modification",
);
export const evtReceiveDLChannelReject = receiveReject(
  "dl_channel",
  "downlink Rx1 channel frequency modification",
);

export const evtReceiveRekeyIndication = receiveIndication("rekey", "rekey");
export const evtEnqueueRekeyConfirmation = enqueueConfirmation("rekey", "rekey");

export const evtEnqueueADRParamSetupRequest = enqueueRequest(
  "adr_param_setup",
  "ADR parameter setup",
);
export const evtReceiveADRParamSetupAnswer = receiveAnswer(
  "adr_param_setup",
  "ADR parameter setup",
);

export const evtReceiveDeviceTimeRequest = receiveRequest("device_time", "device time");
export const evtEnqueueDeviceTimeAnswer = enqueueAnswer("device_time", "device time");

export const evtEnqueueForceRejoinRequest = enqueueRequest("force_rejoin", "force rejoin");

export const evtEnqueueRejoinParamSetupRequest = enqueueRequest(
  "rejoin_param_setup",
  "rejoin parameter setup",
);
export const evtReceiveRejoinParamSetupAnswer = receiveAnswer(
  "rejoin_param_setup",
  "rejoin parameter setup",
);

export const evtReceivePingSlotInfoRequest = receiveRequest("ping_slot_info", "ping slot info");
export const evtEnqueuePingSlotInfoAnswer = enqueueAnswer("ping_slot_info", "ping slot info");

export const evtEnqueuePingSlotChannelRequest = enqueueRequest(
  "ping_slot_channel",
  "ping slot channel",
);
export const evtReceivePingSlotChannelAccept = receiveAccept(
  "ping_slot_channel",
  "ping slot channel",
);
export const evtReceivePingSlotChannelReject = receiveReject(
  "ping_slot_channel",
  "ping slot channel",
);

export const evtReceiveBeaconTimingRequest = receiveRequest("beacon_timing", "beacon timing");

export const evtEnqueueBeaconFreqRequest = enqueueRequest("beacon_freq", "beacon frequency");
export const evtReceiveBeaconFreqAccept = receiveAccept("beacon_freq", "beacon frequency");
export const evtReceiveBeaconFreqReject = receiveReject("beacon_freq", "beacon frequency");

export const evtReceiveDeviceModeIndication = receiveIndication("device_mode", "device mode");
export const evtEnqueueDeviceModeConfirmation = enqueueConfirmation("device_mode", "device mode");

export const evtReceiveResetIndication = receiveIndication("reset", "reset");
export const evtEnqueueResetConfirmation = enqueueConfirmation("reset", "reset");

export const evtClassASwitch = define("ns.class.switch.a", "switched to class A");
export const evtClassBSwitch = define("ns.class.switch.b", "switched to class B");
export const evtClassCSwitch = define("ns.class.switch.c", "switched to class C");

/**
 * Not in The Things Stack (whose MAC layer silently rebuilds its requests on every downlink):
 * an answer that matched no pending request, dropped; data names the command and the reason.
 */
export const evtDropMACAnswer = define("ns.mac.answer.drop", "drop MAC answer without request");
/** Not in The Things Stack: a request the device left unanswered too often, given up. */
export const evtGiveUpMACRequest = define(
  "ns.mac.request.give_up",
  "give up unanswered MAC request",
);

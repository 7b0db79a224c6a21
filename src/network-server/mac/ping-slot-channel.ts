/**
 * PingSlotChannelReq (class B): sets the frequency and data rate of the ping slots. Sent only in
 * a class A downlink, because the device may not hear it in a ping slot it is about to move.
 */
import { create } from "@bufbuild/protobuf";
import { Class, DataRateIndexValueSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  evtEnqueuePingSlotChannelRequest,
  evtReceivePingSlotChannelAccept,
  evtReceivePingSlotChannelReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const pingSlotChannelHandler: MacHandler = {
  cid: 0x11,
  name: "ping_slot_channel",
  requestEvent: evtEnqueuePingSlotChannelRequest,
  needs: (state, context) => {
    if (state.deviceClass !== Class.B || context.classA !== true) return [];
    const { current, desired } = peekParameters(state);
    const dataRate = desired.pingSlotDataRateIndexValue?.value;
    if (dataRate === undefined) return [];
    if (
      desired.pingSlotFrequency === current.pingSlotFrequency &&
      dataRate === current.pingSlotDataRateIndexValue?.value
    ) {
      return [];
    }
    return [
      {
        cid: 0x11,
        name: "PingSlotChannelReq",
        frequency: Number(desired.pingSlotFrequency),
        dataRateIndex: dataRate,
      },
    ];
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "PingSlotChannelAns" || request.name !== "PingSlotChannelReq") return;
    if (!answer.frequencyAck || !answer.dataRateAck) {
      emit(work, evtReceivePingSlotChannelReject, answer);
      return;
    }
    const current = currentParameters(work.state);
    current.pingSlotFrequency = BigInt(request.frequency);
    current.pingSlotDataRateIndexValue = create(DataRateIndexValueSchema, {
      value: request.dataRateIndex,
    });
    emit(work, evtReceivePingSlotChannelAccept, answer);
  },
};

/** BeaconFreqReq (class B): sets the frequency the device listens to beacons on. */
import { Class } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  evtEnqueueBeaconFreqRequest,
  evtReceiveBeaconFreqAccept,
  evtReceiveBeaconFreqReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const beaconFreqHandler: MacHandler = {
  cid: 0x13,
  name: "beacon_freq",
  requestEvent: evtEnqueueBeaconFreqRequest,
  needs: (state) => {
    if (state.deviceClass !== Class.B) return [];
    const { current, desired } = peekParameters(state);
    if (desired.beaconFrequency === current.beaconFrequency) return [];
    return [{ cid: 0x13, name: "BeaconFreqReq", frequency: Number(desired.beaconFrequency) }];
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "BeaconFreqAns" || request.name !== "BeaconFreqReq") return;
    if (!answer.frequencyAck) {
      emit(work, evtReceiveBeaconFreqReject, answer);
      return;
    }
    currentParameters(work.state).beaconFrequency = BigInt(request.frequency);
    emit(work, evtReceiveBeaconFreqAccept, answer);
  },
};

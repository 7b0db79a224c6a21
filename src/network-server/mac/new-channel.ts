/**
 * NewChannelReq (dynamic-channel bands): creates, changes or removes (frequency 0) the device's
 * channels beyond the band's default ones so that they match the desired channels. Frequencies
 * and data rate ranges the device rejected are not asked again.
 */
import type { MACParameters_Channel } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { NewChannelReq } from "../../lorawan/mac/index.ts";
import {
  channelAt,
  hasDynamicChannels,
  isRejectedDataRateRange,
  isRejectedFrequency,
  rejectDataRateRange,
  rejectFrequency,
} from "./channels.ts";
import {
  evtEnqueueNewChannelRequest,
  evtReceiveNewChannelAccept,
  evtReceiveNewChannelReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

function sameChannel(a: MACParameters_Channel | undefined, b: MACParameters_Channel | undefined) {
  return (
    (a?.uplinkFrequency ?? 0n) === (b?.uplinkFrequency ?? 0n) &&
    (a?.minDataRateIndex ?? 0) === (b?.minDataRateIndex ?? 0) &&
    (a?.maxDataRateIndex ?? 0) === (b?.maxDataRateIndex ?? 0)
  );
}

export const newChannelHandler: MacHandler = {
  cid: 0x07,
  name: "new_channel",
  partial: true,
  requestEvent: evtEnqueueNewChannelRequest,
  needs: (state, context) => {
    if (!hasDynamicChannels(context.band)) return [];
    const { current, desired } = peekParameters(state);
    const requests: NewChannelReq[] = [];
    const count = Math.min(16, Math.max(current.channels.length, desired.channels.length));
    // The band's default channels cannot be changed by the network.
    for (let i = context.band.uplinkChannels.length; i < count; i++) {
      const want = desired.channels[i];
      const have = current.channels[i];
      if (sameChannel(want, have)) continue;
      const frequency = want?.uplinkFrequency ?? 0n;
      const min = want?.minDataRateIndex ?? 0;
      const max = want?.maxDataRateIndex ?? 0;
      if (isRejectedFrequency(state, frequency)) continue;
      if (isRejectedDataRateRange(state, frequency, min, max)) continue;
      requests.push({
        cid: 0x07,
        name: "NewChannelReq",
        chIndex: i,
        frequency: Number(frequency),
        minDataRate: min,
        maxDataRate: max,
      });
    }
    return requests;
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "NewChannelAns" || request.name !== "NewChannelReq") return;
    const frequency = BigInt(request.frequency);
    if (!answer.frequencyAck || !answer.dataRateAck) {
      if (!answer.frequencyAck) rejectFrequency(work.state, frequency);
      if (!answer.dataRateAck) {
        rejectDataRateRange(work.state, frequency, request.minDataRate, request.maxDataRate);
      }
      emit(work, evtReceiveNewChannelReject, answer);
      return;
    }
    const channel = channelAt(currentParameters(work.state).channels, request.chIndex);
    channel.uplinkFrequency = frequency;
    channel.downlinkFrequency = frequency;
    channel.minDataRateIndex = request.minDataRate;
    channel.maxDataRateIndex = request.maxDataRate;
    // A new channel is enabled on creation; frequency 0 removes it.
    channel.enableUplink = request.frequency !== 0;
    emit(work, evtReceiveNewChannelAccept, answer);
  },
};

/**
 * DlChannelReq (1.0.2+, dynamic-channel bands): moves the RX1 frequency of an existing uplink
 * channel to the desired downlink frequency (sticky answer). Rejected frequencies are kept.
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { DlChannelReq } from "../../lorawan/mac/index.ts";
import { channelAt, hasDynamicChannels, isRejectedFrequency, rejectFrequency } from "./channels.ts";
import { versionAtLeast } from "./commands.ts";
import {
  evtEnqueueDLChannelRequest,
  evtReceiveDLChannelAccept,
  evtReceiveDLChannelReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const dlChannelHandler: MacHandler = {
  cid: 0x0a,
  name: "dl_channel",
  sticky: true,
  partial: true,
  requestEvent: evtEnqueueDLChannelRequest,
  needs: (state, context) => {
    if (!hasDynamicChannels(context.band) || !versionAtLeast(state, MACVersion.MAC_V1_0_2)) {
      return [];
    }
    const { current, desired } = peekParameters(state);
    const requests: DlChannelReq[] = [];
    desired.channels.forEach((want, i) => {
      const have = current.channels[i];
      // Only channels the device has, with the uplink frequency wanted (NewChannelReq first).
      if (have === undefined || have.uplinkFrequency === 0n) return;
      if (have.uplinkFrequency !== want.uplinkFrequency) return;
      if (want.downlinkFrequency === 0n || want.downlinkFrequency === have.downlinkFrequency)
        return;
      if (isRejectedFrequency(state, want.downlinkFrequency)) return;
      requests.push({
        cid: 0x0a,
        name: "DlChannelReq",
        chIndex: i,
        frequency: Number(want.downlinkFrequency),
      });
    });
    return requests;
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "DlChannelAns" || request.name !== "DlChannelReq") return;
    if (!answer.uplinkFrequencyExists || !answer.frequencyAck) {
      if (!answer.frequencyAck) rejectFrequency(work.state, BigInt(request.frequency));
      emit(work, evtReceiveDLChannelReject, answer);
      return;
    }
    channelAt(currentParameters(work.state).channels, request.chIndex).downlinkFrequency = BigInt(
      request.frequency,
    );
    emit(work, evtReceiveDLChannelAccept, answer);
  },
};

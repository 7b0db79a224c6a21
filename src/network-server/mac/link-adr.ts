/**
 * LinkADRReq: moves the device to the desired ADR data rate, TX power, number of transmissions
 * and enabled channels. The channel masks come from the band's channel-mask generation; when
 * they take several commands they go as one block (LoRaWAN 1.0.2+) whose last command carries
 * the data rate, power and NbTrans that apply. A partial NACK changes nothing on the device, so
 * nothing changes here either; what the device refused is remembered in the MAC state (data
 * rate, power, the frequencies the mask would have enabled) and not asked again.
 */
import type { MACParameters, MACState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  applyChannelMasks,
  type Band,
  type ChMaskCommand,
  channelMaskSize,
  generateChannelMasks,
} from "../../lorawan/band/index.ts";
import type { DownlinkMacCommand, LinkADRReq } from "../../lorawan/mac/index.ts";
import {
  isRejectedDataRateRange,
  isRejectedFrequency,
  rejectFrequency,
  rejectValue,
} from "./channels.ts";
import { versionAtLeast } from "./commands.ts";
import {
  evtEnqueueLinkADRRequest,
  evtReceiveLinkADRAccept,
  evtReceiveLinkADRReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

function maskLength(band: Band, current: MACParameters, desired: MACParameters): number {
  if (band.channelMask.kind !== "dynamic-16") return channelMaskSize(band);
  return Math.min(16, Math.max(current.channels.length, desired.channels.length));
}

function enabledChannels(parameters: MACParameters, length: number): boolean[] {
  return Array.from({ length }, (_, i) => parameters.channels[i]?.enableUplink === true);
}

/**
 * The channels to enable: the desired ones, less those the device refused to enable or to
 * create (a refused frequency or data rate range: NewChannelReq is not sent for them again).
 */
function wantedChannels(state: MACState, current: boolean[], desired: MACParameters): boolean[] {
  return current.map((on, i) => {
    const channel = desired.channels[i];
    if (channel?.enableUplink !== true) return false;
    if (on) return true;
    const { uplinkFrequency, minDataRateIndex, maxDataRateIndex } = channel;
    return !(
      isRejectedFrequency(state, uplinkFrequency) ||
      isRejectedDataRateRange(state, uplinkFrequency, minDataRateIndex, maxDataRateIndex)
    );
  });
}

function bits(mask: number): boolean[] {
  return Array.from({ length: 16 }, (_, i) => (mask & (1 << i)) !== 0);
}

function maskOf(request: LinkADRReq): ChMaskCommand {
  let chMask = 0;
  request.chMask.forEach((on, i) => {
    if (on) chMask |= 1 << i;
  });
  return { chMask, chMaskCntl: request.chMaskCntl };
}

export const linkADRHandler: MacHandler = {
  cid: 0x03,
  name: "link_adr",
  block: true,
  requestEvent: evtEnqueueLinkADRRequest,
  needs: (state, context) => {
    const { current, desired } = peekParameters(state);
    const dataRate = state.rejectedAdrDataRateIndexes.includes(desired.adrDataRateIndex)
      ? current.adrDataRateIndex
      : desired.adrDataRateIndex;
    const txPower = state.rejectedAdrTxPowerIndexes.includes(desired.adrTxPowerIndex)
      ? current.adrTxPowerIndex
      : desired.adrTxPowerIndex;
    const nbTrans = desired.adrNbTrans === 0 ? current.adrNbTrans : desired.adrNbTrans;
    const length = maskLength(context.band, current, desired);
    const have = enabledChannels(current, length);
    const want = wantedChannels(state, have, desired);
    const sameMask = want.every((on, i) => on === have[i]);
    if (
      sameMask &&
      dataRate === current.adrDataRateIndex &&
      txPower === current.adrTxPowerIndex &&
      nbTrans === current.adrNbTrans
    ) {
      return [];
    }
    if (!want.some((on) => on)) return [];
    let masks: ChMaskCommand[];
    try {
      masks = generateChannelMasks(context.band, want, have);
    } catch {
      // The channel lists do not fit the band: nothing sensible to ask for.
      return [];
    }
    if (masks.length > 1 && !versionAtLeast(state, MACVersion.MAC_V1_0_2)) return [];
    return masks.map(
      ({ chMask, chMaskCntl }): DownlinkMacCommand => ({
        cid: 0x03,
        name: "LinkADRReq",
        dataRateIndex: dataRate,
        txPowerIndex: txPower,
        chMask: bits(chMask),
        chMaskCntl,
        nbTrans,
      }),
    );
  },
  onAnswer: (work, answer, request, block) => {
    if (answer.name !== "LinkADRAns" || request.name !== "LinkADRReq") return;
    const band = work.context.band;
    const current = currentParameters(work.state);
    const requests = block.filter((r): r is LinkADRReq => r.name === "LinkADRReq");
    const length = maskLength(band, current, work.state.desiredParameters ?? current);
    const have = enabledChannels(current, length);
    let next: boolean[] | undefined;
    try {
      next = applyChannelMasks(band, have, requests.map(maskOf));
    } catch {
      next = undefined;
    }
    if (!answer.dataRateAck || !answer.powerAck || !answer.channelMaskAck || next === undefined) {
      if (!answer.dataRateAck && request.dataRateIndex !== current.adrDataRateIndex) {
        rejectValue(work.state.rejectedAdrDataRateIndexes, request.dataRateIndex);
      }
      if (!answer.powerAck && request.txPowerIndex !== current.adrTxPowerIndex) {
        rejectValue(work.state.rejectedAdrTxPowerIndexes, request.txPowerIndex);
      }
      if (!answer.channelMaskAck && next !== undefined) {
        next.forEach((on, i) => {
          const channel = current.channels[i];
          if (on && !have[i] && channel !== undefined)
            rejectFrequency(work.state, channel.uplinkFrequency);
        });
      }
      emit(work, evtReceiveLinkADRReject, answer);
      return;
    }
    next.forEach((on, i) => {
      const channel = current.channels[i];
      if (channel !== undefined) channel.enableUplink = on;
    });
    current.adrDataRateIndex = request.dataRateIndex;
    current.adrTxPowerIndex = request.txPowerIndex;
    if (request.nbTrans !== 0) current.adrNbTrans = request.nbTrans;
    work.state.lastAdrChangeFCntUp = work.context.fCntUp;
    emit(work, evtReceiveLinkADRAccept, answer);
  },
};

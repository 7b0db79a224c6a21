/**
 * The join-accept's fields from what the Network Server asked for in its JoinRequest:
 * DevAddr, NetID, RX1 DR offset, RX2 data rate, RxDelay and the CFList (frequencies in units of
 * 100 Hz, or one bit per channel), with the JoinNonce of this join.
 */
import type { JoinRequest } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { type CFList, CFListType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { CfList, JoinAcceptPayload } from "../../lorawan/codec/index.ts";

/** Channels per ChMask of a CFList of type 1. */
const CHANNELS_PER_MASK = 16;

/** The codec's CFList from the API's: frequencies to Hz, channel bits to 16-bit masks. */
export function cfListOf(list: CFList): CfList {
  if (list.type === CFListType.CHANNEL_MASKS) {
    const channelMasks: number[] = [];
    list.chMasks.forEach((enabled, channel) => {
      const mask = Math.floor(channel / CHANNELS_PER_MASK);
      channelMasks[mask] =
        (channelMasks[mask] ?? 0) | (enabled ? 1 << (channel % CHANNELS_PER_MASK) : 0);
    });
    return { type: 1, channelMasks };
  }
  return { type: 0, frequencies: list.freq.map((unit) => unit * 100) };
}

/**
 * The join-accept payload. OptNeg follows the selected version (set for 1.1), not the request,
 * so that the MIC, the encryption and the derived keys always agree with what the device reads.
 */
export function acceptPayloadOf(
  request: JoinRequest,
  joinNonce: number,
  optNeg: boolean,
): JoinAcceptPayload {
  const settings = request.downlinkSettings;
  const payload: JoinAcceptPayload = {
    joinNonce,
    homeNetId: request.netId,
    devAddr: request.devAddr,
    dlSettings: {
      optNeg,
      rx1DrOffset: settings?.rx1DrOffset ?? 0,
      rx2DataRate: settings?.rx2Dr ?? 0,
    },
    rxDelay: request.rxDelay,
  };
  if (request.cfList) payload.cfList = cfListOf(request.cfList);
  return payload;
}

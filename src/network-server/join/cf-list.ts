/**
 * The CFList of a join-accept, as The Things Stack's Network Server builds it from the channels
 * it wants the device on, and what the device does with it: a dynamic band's type 0 CFList
 * lists up to five enabled channels beyond the band's defaults; a fixed band's type 1 enables
 * exactly the band channels the plan uses.
 */
import { create } from "@bufbuild/protobuf";
import {
  type MACParameters,
  type MACParameters_Channel,
  MACParameters_ChannelSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { type CFList, CFListSchema, CFListType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { Band } from "../../lorawan/band/index.ts";

/** The API's CFList frequencies are in units of 100 Hz. */
const frequencyUnit = 100;
const maxFrequencies = 5;

const isBandChannel = (band: Band, frequency: bigint) =>
  band.uplinkChannels.some((channel) => BigInt(channel.frequency) === frequency);

const builders: Record<
  Band["cfList"]["type"],
  (band: Band, channels: readonly MACParameters_Channel[]) => CFList
> = {
  frequencies: (band, channels) =>
    create(CFListSchema, {
      type: CFListType.FREQUENCIES,
      freq: channels
        .filter((channel) => channel.enableUplink && !isBandChannel(band, channel.uplinkFrequency))
        .slice(0, maxFrequencies)
        .map((channel) => Number(channel.uplinkFrequency / BigInt(frequencyUnit))),
    }),
  "channel-masks": (band, channels) =>
    create(CFListSchema, {
      type: CFListType.CHANNEL_MASKS,
      chMasks: band.uplinkChannels.map((bandChannel) =>
        channels.some(
          (channel) =>
            channel.enableUplink && channel.uplinkFrequency === BigInt(bandChannel.frequency),
        ),
      ),
    }),
};

/**
 * The CFList that moves a device of `band` to `channels` (the desired ones); `undefined` when
 * the band's regional parameters have no CFList.
 */
export function cfListOf(
  band: Band,
  channels: readonly MACParameters_Channel[],
): CFList | undefined {
  if (!band.cfList.supported) return undefined;
  return builders[band.cfList.type](band, channels);
}

/**
 * Applies a join-accept's CFList to the channels the device starts with (`current`, changed in
 * place): listed frequencies are added (data rates and downlink frequency of the desired
 * channel of that frequency), or the band channels are enabled as the mask says.
 */
export function applyCfList(
  current: MACParameters,
  cfList: CFList,
  desired: readonly MACParameters_Channel[],
): void {
  if (cfList.type === CFListType.CHANNEL_MASKS) {
    current.channels.forEach((channel, index) => {
      channel.enableUplink = cfList.chMasks[index] ?? false;
    });
    return;
  }
  for (const unit of cfList.freq) {
    if (unit === 0) continue;
    const frequency = BigInt(unit) * BigInt(frequencyUnit);
    const known = current.channels.find((channel) => channel.uplinkFrequency === frequency);
    if (known) {
      known.enableUplink = true;
      continue;
    }
    const wanted = desired.find((channel) => channel.uplinkFrequency === frequency);
    current.channels.push(
      create(MACParameters_ChannelSchema, {
        uplinkFrequency: frequency,
        downlinkFrequency: wanted?.downlinkFrequency ?? frequency,
        minDataRateIndex: wanted?.minDataRateIndex ?? 0,
        maxDataRateIndex: wanted?.maxDataRateIndex ?? 0,
        enableUplink: true,
      }),
    );
  }
}

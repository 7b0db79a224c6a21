/** Helpers over the channel lists of MACParameters and the rejections kept in MACState. */
import { create } from "@bufbuild/protobuf";
import {
  type MACParameters_Channel,
  MACParameters_ChannelSchema,
  type MACState,
  MACState_DataRateRangeSchema,
  MACState_DataRateRangesSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Band } from "../../lorawan/band/index.ts";

/** Whether the band lets the network define channels (NewChannelReq, DlChannelReq). */
export function hasDynamicChannels(band: Band): boolean {
  return band.channelMask.kind === "dynamic-16";
}

/** Whether the device rejected `frequency` (Hz) before. */
export function isRejectedFrequency(state: MACState, frequency: bigint): boolean {
  return state.rejectedFrequencies.includes(frequency);
}

/** Records a frequency the device rejected, once, ascending. */
export function rejectFrequency(state: MACState, frequency: bigint): void {
  if (frequency === 0n || isRejectedFrequency(state, frequency)) return;
  state.rejectedFrequencies.push(frequency);
  state.rejectedFrequencies.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Records a data rate range the device rejected on a frequency. */
export function rejectDataRateRange(
  state: MACState,
  frequency: bigint,
  min: number,
  max: number,
): void {
  const key = frequency.toString();
  const ranges = state.rejectedDataRateRanges[key] ?? create(MACState_DataRateRangesSchema);
  if (!ranges.ranges.some((r) => r.minDataRateIndex === min && r.maxDataRateIndex === max)) {
    ranges.ranges.push(
      create(MACState_DataRateRangeSchema, { minDataRateIndex: min, maxDataRateIndex: max }),
    );
  }
  state.rejectedDataRateRanges[key] = ranges;
}

/** Whether the device rejected exactly this data rate range on the frequency. */
export function isRejectedDataRateRange(
  state: MACState,
  frequency: bigint,
  min: number,
  max: number,
): boolean {
  return (state.rejectedDataRateRanges[frequency.toString()]?.ranges ?? []).some(
    (r) => r.minDataRateIndex === min && r.maxDataRateIndex === max,
  );
}

/** Adds a number to an ascending list of rejected values, once. */
export function rejectValue(list: number[], value: number): void {
  if (list.includes(value)) return;
  list.push(value);
  list.sort((a, b) => a - b);
}

/** The channel at `index`, created (disabled, no frequency) when the list is shorter. */
export function channelAt(channels: MACParameters_Channel[], index: number): MACParameters_Channel {
  while (channels.length <= index) channels.push(create(MACParameters_ChannelSchema));
  const channel = channels[index];
  if (channel === undefined) throw new Error("unreachable: channel list was extended");
  return channel;
}

/**
 * LinkADRReq channel masks: the ChMask/ChMaskCntl pairs that turn a device's channel set into
 * a desired one, and the device-side application of such pairs. Channel sets are arrays of
 * booleans indexed by channel (uplink channel index for fixed-channel bands).
 */
import {
  errChannelNotDefined,
  errInvalidChannelCount,
  errInvalidChMask,
  errUnsupportedChMaskCntl,
} from "./errors.ts";
import type { Band, ChannelMaskLayout } from "./types.ts";

/** One ChMask (16 bits, bit i = channel i of the addressed block) with its ChMaskCntl. */
export interface ChMaskCommand {
  readonly chMask: number;
  readonly chMaskCntl: number;
}

type Channels = readonly boolean[];

/** The length of a channel set for `band`: 16, or the number of fixed uplink channels. */
export function channelMaskSize(band: Band): number {
  return layoutSize(band.channelMask);
}

function layoutSize(layout: ChannelMaskLayout): number {
  switch (layout.kind) {
    case "dynamic-16":
      return 16;
    case "fixed-72":
      return 72;
    case "fixed-96":
      return 96;
    case "fixed-64":
      return 64;
    case "fixed-48":
      return 48;
  }
}

/** ChMaskCntl values that set the whole 125 kHz channel range, with the state they leave. */
interface GlobalControl {
  readonly chMaskCntl: number;
  /** The state after the command with ChMask `chMask`. */
  readonly apply: (chMask: number) => boolean[];
  /** The ChMask values worth trying to reach `desired`. */
  readonly candidates: (desired: Channels) => readonly number[];
}

function filled(length: number, value: boolean): boolean[] {
  return new Array<boolean>(length).fill(value);
}

function bits(mask: number, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => (mask & (1 << i)) !== 0);
}

function toMask(channels: Channels, from: number, count: number): number {
  let mask = 0;
  for (let i = 0; i < count; i++) if (channels[from + i]) mask |= 1 << i;
  return mask;
}

/** Bit n set when all eight 125 kHz channels of bank n are wanted. */
function fullBanks(desired: Channels): number {
  let mask = 0;
  for (let bank = 0; bank < 8; bank++) {
    if (desired.slice(bank * 8, bank * 8 + 8).every(Boolean)) mask |= 1 << bank;
  }
  return mask;
}

/** Number of 16-channel blocks addressed by ChMaskCntl 0..n−1 (the last may be shorter). */
function blockCount(layout: ChannelMaskLayout): number {
  return Math.ceil(layoutSize(layout) / 16);
}

function globalControls(layout: ChannelMaskLayout): GlobalControl[] {
  const constant = (chMaskCntl: number, value: boolean): GlobalControl => ({
    chMaskCntl,
    apply: () => filled(layoutSize(layout), value),
    candidates: () => [0],
  });
  switch (layout.kind) {
    case "dynamic-16":
      return [];
    case "fixed-96":
      return [constant(6, true)];
    case "fixed-64":
      return [constant(6, true), constant(7, false)];
    case "fixed-48":
      return [constant(3, true), constant(4, false)];
    case "fixed-72": {
      const all125 = (chMaskCntl: number, value: boolean): GlobalControl => ({
        chMaskCntl,
        apply: (chMask) => [...filled(64, value), ...bits(chMask, 8)],
        candidates: (desired) => [toMask(desired, 64, 8)],
      });
      const controls = [all125(6, true), all125(7, false)];
      if (layout.bankControl) {
        controls.push({
          chMaskCntl: 5,
          apply: (chMask) => {
            const banks = bits(chMask, 8);
            return [...banks.flatMap((on) => filled(8, on)), ...banks];
          },
          // Either the banks follow the desired 500 kHz channels (no ChMaskCntl 4 needed), or
          // they are on exactly where all 8 channels are wanted (fewest 16-channel fixes); any
          // other bank mask costs at least as much as one of these two.
          candidates: (desired) => [toMask(desired, 64, 8), fullBanks(desired)],
        });
      }
      return controls;
    }
  }
}

function blockEquals(a: Channels, b: Channels, block: number): boolean {
  for (let i = block * 16; i < Math.min(a.length, block * 16 + 16); i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Block commands that turn `state` (undefined = unknown) into `desired`. */
function blockCommands(
  layout: ChannelMaskLayout,
  state: Channels | undefined,
  desired: Channels,
): ChMaskCommand[] {
  const commands: ChMaskCommand[] = [];
  for (let block = 0; block < blockCount(layout); block++) {
    if (state !== undefined && blockEquals(state, desired, block)) continue;
    const count = Math.min(16, desired.length - block * 16);
    commands.push({ chMask: toMask(desired, block * 16, count), chMaskCntl: block });
  }
  return commands;
}

/**
 * The shortest sequence of ChMask/ChMaskCntl pairs (for consecutive LinkADRReq commands of one
 * block) that leaves the device with exactly the channels `desired` enabled. With `current`
 * (the device's channel set as the network knows it), blocks that already match are skipped;
 * without it, every channel is set explicitly. Always returns at least one command.
 * For dynamic bands the single ChMaskCntl 0 command carries the mask of channels 0–15.
 */
export function generateChannelMasks(
  band: Band,
  desired: Channels,
  current?: Channels,
): ChMaskCommand[] {
  const layout = band.channelMask;
  const size = layoutSize(layout);
  checkLength(band, desired, size);
  if (current !== undefined) checkLength(band, current, size);
  if (layout.kind === "dynamic-16") return [{ chMask: toMask(desired, 0, 16), chMaskCntl: 0 }];

  let best = blockCommands(layout, current, desired);
  for (const control of globalControls(layout)) {
    for (const chMask of control.candidates(desired)) {
      // A global command alone costs 1; only a strictly shorter sequence replaces the best.
      if (best.length <= 1) break;
      const rest = blockCommands(layout, control.apply(chMask), desired);
      if (1 + rest.length < best.length) {
        best = [{ chMask, chMaskCntl: control.chMaskCntl }, ...rest];
      }
    }
  }
  return best.length > 0 ? best : [{ chMask: toMask(desired, 0, 16), chMaskCntl: 0 }];
}

function checkLength(band: Band, channels: Channels, size: number) {
  const ok =
    band.channelMask.kind === "dynamic-16" ? channels.length <= size : channels.length === size;
  if (!ok) {
    throw errInvalidChannelCount.create({
      band_id: band.id,
      expected: size,
      actual: channels.length,
    });
  }
}

/**
 * Applies ChMask/ChMaskCntl pairs in order, as an end-device does, to the channel set
 * `current`. For dynamic bands `defined` lists the channels the device has (default: all 16);
 * enabling an undefined channel or a reserved ChMaskCntl throws a typed error.
 */
export function applyChannelMasks(
  band: Band,
  current: Channels,
  commands: readonly ChMaskCommand[],
  defined?: Channels,
): boolean[] {
  const layout = band.channelMask;
  const size = layoutSize(layout);
  checkLength(band, current, size);
  let state = Array.from({ length: size }, (_, i) => current[i] === true);
  const isDefined = (channel: number) => defined === undefined || defined[channel] === true;
  for (const { chMask, chMaskCntl } of commands) {
    if (!Number.isInteger(chMask) || chMask < 0 || chMask > 0xffff) {
      throw errInvalidChMask.create({ ch_mask: chMask });
    }
    const reserved = () =>
      errUnsupportedChMaskCntl.create({
        ch_mask_cntl: chMaskCntl,
        band_id: band.id,
        version: band.version,
      });
    if (chMaskCntl < blockCount(layout)) {
      const from = chMaskCntl * 16;
      const count = Math.min(16, size - from);
      for (let i = 0; i < 16; i++) {
        const on = (chMask & (1 << i)) !== 0;
        if (on && (i >= count || !isDefined(from + i))) {
          throw errChannelNotDefined.create({ channel: from + i });
        }
        if (i < count) state[from + i] = on;
      }
      continue;
    }
    if (layout.kind === "dynamic-16") {
      if (chMaskCntl !== 6) throw reserved();
      state = state.map((_, i) => isDefined(i));
      continue;
    }
    const control = globalControls(layout).find((c) => c.chMaskCntl === chMaskCntl);
    if (control === undefined) throw reserved();
    state = control.apply(chMask);
  }
  return state;
}

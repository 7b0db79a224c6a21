import { type Band, getDataRate, rx1Channel, rx1DataRate } from "../../lorawan/band/index.ts";
import { errUnknownDataRate, errUnknownRx2DataRate } from "./errors.ts";

/** The uplink a class A downlink answers. */
export interface ClassAUplink {
  /** Hz. */
  readonly frequency: number;
  readonly dataRateIndex: number;
  /** The device's channel index the uplink was sent on. */
  readonly channelIndex: number;
  /** When the uplink was received (ms since the epoch): the windows are timed from it. */
  readonly receivedAtMs: number;
  /** The concentrator timestamp (µs, 32 bits) of the end of reception, if known. */
  readonly timestamp?: number | undefined;
}

/** A device channel's downlink frequency (MACParameters.Channel), 0 when it has none. */
export interface DeviceChannel {
  readonly downlinkFrequency: number;
}

/** The receive window parameters of a device (its MAC state's current parameters). */
export interface DeviceRxParameters {
  /** RX1 delay in seconds (RxDelay; 0 means 1). Not used for join-accepts. */
  readonly rx1Delay: number;
  readonly rx1DataRateOffset: number;
  readonly rx2DataRateIndex: number;
  /** Hz. */
  readonly rx2Frequency: number;
  /** Whether the 400 ms downlink dwell time limit applies. */
  readonly downlinkDwellTime: boolean;
  /** The device's channels by index; RX1 uses the downlink frequency of the mapped one. */
  readonly channels?: readonly DeviceChannel[] | undefined;
}

/** One receive window: where, how fast and when it opens. */
export interface ReceiveWindow {
  /** Hz. */
  readonly frequency: number;
  readonly dataRateIndex: number;
  /** Seconds after the end of the uplink. */
  readonly delaySeconds: number;
  /** When it opens (ms since the epoch). */
  readonly atMs: number;
  /** The concentrator timestamp (µs, wraps at 2^32) it opens at, when the uplink's is known. */
  readonly timestamp?: number | undefined;
}

/** The class A windows after an uplink; RX1 is absent where the band defines no RX1 for it. */
export interface ClassAWindows {
  readonly kind: "data" | "join-accept";
  readonly rx1?: ReceiveWindow | undefined;
  readonly rx2: ReceiveWindow;
}

/**
 * The RX1 and RX2 windows after `uplink`. Data downlinks use the device's RX1 delay (RX2 one
 * second later); join-accepts use the band's JOIN_ACCEPT_DELAY1/2. RX1 is sent on the downlink
 * frequency of the mapped channel (rx1Channel), at the data rate rx1DataRate gives for the
 * uplink's and the offset; RX2 on the device's RX2 frequency and data rate.
 */
export function classAWindows(
  band: Band,
  uplink: ClassAUplink,
  device: DeviceRxParameters,
  kind: ClassAWindows["kind"] = "data",
): ClassAWindows {
  if (getDataRate(band, uplink.dataRateIndex) === undefined) {
    throw errUnknownDataRate.create({ data_rate_index: uplink.dataRateIndex, band_id: band.id });
  }
  const { joinAcceptDelay1, joinAcceptDelay2 } = band.sharedParameters;
  const rx1Seconds =
    kind === "join-accept" ? joinAcceptDelay1 / 1000 : Math.max(1, device.rx1Delay);
  const rx2Seconds = kind === "join-accept" ? joinAcceptDelay2 / 1000 : rx1Seconds + 1;
  const window = (frequency: number, dataRateIndex: number, delaySeconds: number) => ({
    frequency,
    dataRateIndex,
    delaySeconds,
    atMs: uplink.receivedAtMs + delaySeconds * 1000,
    timestamp:
      uplink.timestamp === undefined ? undefined : (uplink.timestamp + delaySeconds * 1e6) >>> 0,
  });

  const rx1Rate = rx1DataRate(
    band,
    uplink.dataRateIndex,
    device.rx1DataRateOffset,
    device.downlinkDwellTime,
  );
  const rx1Frequency = rx1FrequencyOf(band, uplink, device);
  const rx1 =
    rx1Rate === undefined || rx1Frequency === undefined || !usable(band, rx1Rate, device)
      ? undefined
      : window(rx1Frequency, rx1Rate, rx1Seconds);

  if (getDataRate(band, device.rx2DataRateIndex) === undefined) {
    throw errUnknownRx2DataRate.create({
      data_rate_index: device.rx2DataRateIndex,
      band_id: band.id,
    });
  }
  const rx2 = window(device.rx2Frequency, device.rx2DataRateIndex, rx2Seconds);
  return { kind, rx1, rx2 };
}

/** RX2 parameters for a class C downlink: sent as soon as the gateway can. */
export function classCWindow(band: Band, device: DeviceRxParameters, nowMs: number): ReceiveWindow {
  if (getDataRate(band, device.rx2DataRateIndex) === undefined) {
    throw errUnknownRx2DataRate.create({
      data_rate_index: device.rx2DataRateIndex,
      band_id: band.id,
    });
  }
  return {
    frequency: device.rx2Frequency,
    dataRateIndex: device.rx2DataRateIndex,
    delaySeconds: 0,
    atMs: nowMs,
  };
}

/** Which windows can still be made: each must open at least `marginMs` after `nowMs`. */
export function reachableWindows(
  windows: ClassAWindows,
  nowMs: number,
  marginMs: number,
): { readonly rx1: boolean; readonly rx2: boolean } {
  const reachable = (window: ReceiveWindow | undefined) =>
    window !== undefined && window.atMs - nowMs >= marginMs;
  return { rx1: reachable(windows.rx1), rx2: reachable(windows.rx2) };
}

// A data rate that carries no payload under the dwell time limit (AS923 DR0/DR1) is no window.
function usable(band: Band, dataRateIndex: number, device: DeviceRxParameters): boolean {
  const rate = getDataRate(band, dataRateIndex)?.maxMacPayloadSize;
  return rate !== undefined && (device.downlinkDwellTime ? rate.dwellTime : rate.noDwellTime) > 0;
}

function rx1FrequencyOf(
  band: Band,
  uplink: ClassAUplink,
  device: DeviceRxParameters,
): number | undefined {
  const index = rx1Channel(band, uplink.channelIndex);
  const fromDevice = device.channels?.[index]?.downlinkFrequency;
  if (fromDevice) return fromDevice;
  // Dynamic-channel bands answer on the uplink's own frequency unless DlChannelReq moved it.
  if (band.rx1ChannelMapping.kind === "same") return uplink.frequency;
  return band.downlinkChannels[index]?.frequency;
}

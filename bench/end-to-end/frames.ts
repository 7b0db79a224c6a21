/**
 * Frames made before they are sent: the devices' join-requests and data uplinks with their MICs
 * (built with the test harness's VirtualDevice), each turned into the rxpk texts of the three
 * gateways of the pool that hear it. Only `tmst` is left for send time (see BenchGateway.push).
 */
import { VirtualDevice } from "../../test/harness/virtual-device.ts";
import { ABP_JOIN_EUI, abpSession, appKey, devEui, deviceId, JOIN_EUI } from "./fleet.ts";

/** The EU868 default channels: where the devices' uplinks go, round robin. */
const CHANNELS_MHZ = ["868.100000", "868.300000", "868.500000"];
const PAYLOAD = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]);
/** Gateways that hear each frame. */
export const HEARD_BY = 3;

/** One bench device: its registration and its frame side. */
export interface BenchDevice {
  index: number;
  deviceId: string;
  devEui: string;
  appKey: string;
  radio: VirtualDevice;
}

/** A frame ready to send: the gateways (pool indexes) that hear it, and their rxpk texts. */
export interface ReadyFrame {
  device: number;
  /** Full uplink counter (data frames) or the DevNonce (join-requests). */
  counter: number;
  confirmed: boolean;
  join: boolean;
  /** Pool indexes of the gateways that hear the frame, the best first. */
  gateways: number[];
  /** One rxpk text (after `"tmst":…,`) per entry of `gateways`. */
  tails: string[];
}

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/** The OTAA device `index` (it joins with its AppKey). */
export function otaaDevice(index: number): BenchDevice {
  return {
    index,
    deviceId: deviceId(index),
    devEui: devEui(index),
    appKey: appKey(index),
    radio: new VirtualDevice({
      joinEui: hex(JOIN_EUI),
      devEui: hex(devEui(index)),
      appKey: hex(appKey(index)),
      version: "1.0",
    }),
  };
}

/** The ABP device `index`, in its session from the start (the keys bulk-provision.ts wrote). */
export function abpDevice(index: number): BenchDevice {
  const session = abpSession(index);
  const radio = new VirtualDevice({
    joinEui: hex(ABP_JOIN_EUI),
    devEui: hex(devEui(index)),
    appKey: new Uint8Array(16),
    version: "1.0",
  });
  radio.useSession({
    devAddr: session.devAddr,
    fNwkSIntKey: session.nwkSKey,
    sNwkSIntKey: session.nwkSKey,
    nwkSEncKey: session.nwkSKey,
    appSKey: session.appSKey,
  });
  return { index, deviceId: deviceId(index), devEui: devEui(index), appKey: "", radio };
}

/**
 * The gateways of a pool of `pool` that hear device `index`: three neighbours, so the triples
 * rotate over the pool as the devices do (a device always near the same gateways).
 */
export function hearingGateways(index: number, pool: number): number[] {
  const count = Math.min(HEARD_BY, pool);
  return Array.from({ length: count }, (_, i) => (index + i) % pool);
}

/** Signal at each hearing gateway: the first hears best, as a device near one gateway would. */
const SIGNALS = [
  { rssi: -57, lsnr: 9.5 },
  { rssi: -83, lsnr: 6.25 },
  { rssi: -101, lsnr: -2.5 },
];

function tails(phy: Uint8Array, channel: number, gateways: number): string[] {
  const common = `"size":${phy.length},"data":"${Buffer.from(phy).toString("base64")}"}`;
  const freq = CHANNELS_MHZ[channel % CHANNELS_MHZ.length];
  return Array.from({ length: gateways }, (_, gateway) => {
    const signal = SIGNALS[gateway % SIGNALS.length] ?? { rssi: -90, lsnr: 0 };
    return `"chan":${channel % 8},"rfch":0,"freq":${freq},"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/5","lsnr":${signal.lsnr},"rssi":${signal.rssi},${common}`;
  });
}

/** A join-request (next DevNonce) of the device, heard by three gateways of a pool of `pool`. */
export function joinFrame(device: BenchDevice, pool: number): ReadyFrame {
  const phy = device.radio.joinRequest();
  // DevNonce: bytes 17..18 of the join-request, little-endian.
  const counter = (phy[17] as number) | ((phy[18] as number) << 8);
  const gateways = hearingGateways(device.index, pool);
  return {
    device: device.index,
    counter,
    confirmed: false,
    join: true,
    gateways,
    tails: tails(phy, device.index, gateways.length),
  };
}

/** The device's next data uplink (10 bytes on FPort 1, ADR off). */
export function dataFrame(device: BenchDevice, pool: number, confirmed: boolean): ReadyFrame {
  const counter = device.radio.fCntUp;
  const phy = device.radio.uplink({ fPort: 1, payload: PAYLOAD, confirmed, adr: false });
  const gateways = hearingGateways(device.index, pool);
  return {
    device: device.index,
    counter,
    confirmed,
    join: false,
    gateways,
    tails: tails(phy, counter, gateways.length),
  };
}

/**
 * Hands out devices round robin across calls, so a device's frames are as far apart as the
 * fleet allows: with D devices and at most R frames per second, D / R seconds.
 */
export class Rotation {
  readonly devices: readonly BenchDevice[];
  #next = 0;

  constructor(devices: readonly BenchDevice[]) {
    this.devices = devices;
  }

  /** `count` data frames of the next devices in turn. */
  dataFrames(count: number, pool: number, confirmed: boolean): ReadyFrame[] {
    const frames: ReadyFrame[] = [];
    for (let i = 0; i < count; i++) {
      const device = this.devices[this.#next] as BenchDevice;
      this.#next = (this.#next + 1) % this.devices.length;
      frames.push(dataFrame(device, pool, confirmed));
    }
    return frames;
  }
}

/**
 * Frames made before they are sent: the devices' join-requests and data uplinks with their MICs
 * (built with the test harness's VirtualDevice), each turned into the rxpk texts its three
 * gateways forward. Only `tmst` is left for send time (see BenchGateway.push).
 */
import { VirtualDevice } from "../../test/harness/virtual-device.ts";

/** The EU868 default channels: where the devices' uplinks go, round robin. */
const CHANNELS_MHZ = ["868.100000", "868.300000", "868.500000"];
const PAYLOAD = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]);

/** One bench device: its registration and its frame side. */
export interface BenchDevice {
  index: number;
  deviceId: string;
  devEui: string;
  appKey: string;
  radio: VirtualDevice;
}

/** A frame ready to send: one rxpk text per gateway (after `"tmst":…,`). */
export interface ReadyFrame {
  device: number;
  /** Full uplink counter (data frames) or the DevNonce (join-requests). */
  counter: number;
  confirmed: boolean;
  join: boolean;
  tails: string[];
}

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/** `count` devices with distinct DevEUIs and AppKeys (derived from the index). */
export function makeDevices(count: number, joinEui: string): BenchDevice[] {
  return Array.from({ length: count }, (_, index) => {
    const suffix = index.toString(16).padStart(8, "0");
    const devEui = `0004A30B${suffix}`.toUpperCase();
    const appKey = `${suffix}${"a5".repeat(4)}${suffix}${"5a".repeat(4)}`;
    return {
      index,
      deviceId: `dev-${index}`,
      devEui,
      appKey,
      radio: new VirtualDevice({
        joinEui: hex(joinEui),
        devEui: hex(devEui),
        appKey: hex(appKey),
        version: "1.0",
      }),
    };
  });
}

/** Signal quality of each gateway: the first hears best, as a device near one gateway would. */
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

/** A join-request (next DevNonce) of the device, heard by `gateways` gateways. */
export function joinFrame(device: BenchDevice, gateways: number): ReadyFrame {
  const phy = device.radio.joinRequest();
  // DevNonce: bytes 17..18 of the join-request, little-endian.
  const counter = (phy[17] as number) | ((phy[18] as number) << 8);
  return {
    device: device.index,
    counter,
    confirmed: false,
    join: true,
    tails: tails(phy, device.index, gateways),
  };
}

/** The device's next data uplink (10 bytes on FPort 1, ADR off). */
export function dataFrame(device: BenchDevice, gateways: number, confirmed: boolean): ReadyFrame {
  const counter = device.radio.fCntUp;
  const phy = device.radio.uplink({ fPort: 1, payload: PAYLOAD, confirmed, adr: false });
  return {
    device: device.index,
    counter,
    confirmed,
    join: false,
    tails: tails(phy, counter, gateways),
  };
}

/**
 * `count` data frames, round robin over `devices` (so a device's frames are as far apart as
 * the fleet allows).
 */
export function dataFrames(
  devices: readonly BenchDevice[],
  count: number,
  gateways: number,
  confirmed: boolean,
): ReadyFrame[] {
  const frames: ReadyFrame[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(dataFrame(devices[i % devices.length] as BenchDevice, gateways, confirmed));
  }
  return frames;
}

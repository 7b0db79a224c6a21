import { counterPayload, type DeviceProfile, type DeviceVersion } from "../device/index.ts";
import type { Position } from "../medium.ts";
import { type Random, seededRandom } from "../random.ts";
import type { SimulationOptions } from "./options.ts";

/** A simulated gateway to run: its identity, protocol and place. */
export interface GatewayPlan {
  id: string;
  eui: string;
  protocol: "udp" | "basic-station";
  position: Position;
}

/** A simulated device to run: its profile and place. */
export interface DevicePlan {
  profile: DeviceProfile;
  position: Position;
}

export interface Fleet {
  gateways: GatewayPlan[];
  devices: DevicePlan[];
}

/** The LoRaWAN and regional parameters versions the stack registers a device with. */
export const registryVersions: Record<DeviceVersion, { mac: string; phy: string }> = {
  "1.0.2": { mac: "MAC_V1_0_2", phy: "PHY_V1_0_2_REV_B" },
  "1.0.3": { mac: "MAC_V1_0_3", phy: "PHY_V1_0_3_REV_A" },
  "1.0.4": { mac: "MAC_V1_0_4", phy: "RP002_V1_0_3" },
  "1.1": { mac: "MAC_V1_1", phy: "PHY_V1_1_REV_B" },
};

/** The JoinEUI of simulated devices. */
export const simulatedJoinEui = "70b3d57ed0000000";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function randomKey(random: Random): string {
  const key = new Uint8Array(16);
  const view = new DataView(key.buffer);
  for (let i = 0; i < 4; i++) view.setUint32(i * 4, random.uint32());
  return hex(key);
}

/** `prefix` + 8 hex digits of `value`. */
const eui = (prefix: string, value: number) =>
  `${prefix}${(value >>> 0).toString(16).padStart(8, "0")}`;

/**
 * The gateways and devices of a run, the same for the same options (seed, counts, prefix):
 * a run that registers them and a later run that does not see one fleet. Gateways stand on a
 * circle of half the radius, devices anywhere within the radius; keys come from the seed.
 * Devices of a given list (`deviceList`) are those devices, placed by the seed.
 */
export function planFleet(options: SimulationOptions): Fleet {
  // The prefix is part of the seed: fleets of other prefixes get other EUIs and keys.
  const random = seededRandom(options.seed ^ hashOf(options.idPrefix));
  const base = random.uint32() & 0x00ffff00;
  const gateways: GatewayPlan[] = [];
  for (let i = 0; i < options.gateways; i++) {
    const angle = (2 * Math.PI * i) / Math.max(1, options.gateways);
    const ring = options.gateways === 1 ? 0 : options.radiusM / 2;
    gateways.push({
      id: `${options.idPrefix}-gw-${i + 1}`,
      eui: eui("b827ebff", base + i),
      protocol:
        options.gatewayProtocol === "mixed"
          ? i % 2 === 0
            ? "udp"
            : "basic-station"
          : options.gatewayProtocol,
      position: { x: ring * Math.cos(angle), y: ring * Math.sin(angle) },
    });
  }
  const listed = options.deviceList;
  const count = listed?.length ?? options.devices;
  const intervalMs = options.rate > 0 ? (count / options.rate) * 1000 : 60_000;
  const devices: DevicePlan[] = [];
  if (listed) {
    for (const device of listed) {
      const distance = options.radiusM * Math.sqrt(random.next());
      const angle = 2 * Math.PI * random.next();
      devices.push({
        profile: {
          deviceId: device.deviceId,
          devEui: device.devEui,
          joinEui: device.joinEui,
          activation: device.activation,
          version: device.version,
          deviceClass: device.deviceClass,
          frequencyPlanId: device.frequencyPlanId || options.frequencyPlanId,
          dataRate: options.dataRate,
          intervalMs,
          confirmedShare: options.confirmed,
          payload: counterPayload,
        },
        position: { x: distance * Math.cos(angle), y: distance * Math.sin(angle) },
      });
    }
    return { gateways, devices };
  }
  for (let i = 0; i < options.devices; i++) {
    const distance = options.radiusM * Math.sqrt(random.next());
    const angle = 2 * Math.PI * random.next();
    const version = options.version;
    const keys = {
      a: randomKey(random),
      b: randomKey(random),
      c: randomKey(random),
      d: randomKey(random),
    };
    // DevAddrs of NetID 000000 (7 bits of zero), distinct per device.
    const devAddr = (0x01000000 + ((base + i) & 0x00ffffff)).toString(16).padStart(8, "0");
    devices.push({
      profile: {
        deviceId: `${options.idPrefix}-dev-${i + 1}`,
        devEui: eui("70b3d57e", base + i),
        joinEui: options.activation === "otaa" ? simulatedJoinEui : "0000000000000000",
        activation:
          options.activation === "otaa"
            ? { mode: "otaa", appKey: keys.a, ...(version === "1.1" ? { nwkKey: keys.b } : {}) }
            : {
                mode: "abp",
                devAddr,
                appSKey: keys.a,
                fNwkSIntKey: keys.b,
                ...(version === "1.1" ? { sNwkSIntKey: keys.c, nwkSEncKey: keys.d } : {}),
              },
        version,
        deviceClass: options.deviceClass,
        frequencyPlanId: options.frequencyPlanId,
        dataRate: options.dataRate,
        intervalMs,
        confirmedShare: options.confirmed,
        payload: counterPayload,
      },
      position: { x: distance * Math.cos(angle), y: distance * Math.sin(angle) },
    });
  }
  return { gateways, devices };
}

/** A 32-bit FNV-1a hash of a text. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

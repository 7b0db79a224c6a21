/**
 * The benchmark's devices as data, derived from their index: the registrations written before
 * the stack starts (bulk-provision.ts) and the frames the generator sends (frames.ts) agree
 * without sharing objects, so a million registered devices cost the generator nothing.
 *
 * Indexes [0, otaa) are OTAA devices (they join in the join steps); [otaa, otaa + abp) are ABP
 * devices with a session from the start (they carry the uplink and confirmed steps).
 */

export const APPLICATION_ID = "bench";
/** The JoinEUI of the OTAA devices. */
export const JOIN_EUI = "70B3D57ED0000B00";
/** ABP devices never join: their JoinEUI is zero, as The Things Stack registers them. */
export const ABP_JOIN_EUI = "0000000000000000";
export const FREQUENCY_PLAN = "EU_863_870_TTN";
/** The start of the ABP devices' DevAddrs: NetID 000013's prefix 26000000/7 (main.ts). */
const DEV_ADDR_BASE = 0x2600_0000;

/** How many devices of each kind a run registers. */
export interface FleetShape {
  otaa: number;
  abp: number;
}

const suffix = (index: number) => index.toString(16).padStart(8, "0").toUpperCase();
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

export const deviceId = (index: number) => `dev-${index}`;
export const devEui = (index: number) => `0004A30B${suffix(index)}`;
/** The OTAA device's AppKey (hex). */
export const appKey = (index: number) =>
  `${suffix(index)}${"A5".repeat(4)}${suffix(index)}${"5A".repeat(4)}`;

/** The ABP device's session: DevAddr and keys (LoRaWAN 1.0.x: one network session key). */
export function abpSession(index: number): {
  devAddr: Uint8Array;
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
} {
  const devAddr = new Uint8Array(4);
  new DataView(devAddr.buffer).setUint32(0, DEV_ADDR_BASE + index);
  return {
    devAddr,
    nwkSKey: bytes(`${suffix(index)}${"11".repeat(4)}${suffix(index)}${"22".repeat(4)}`),
    appSKey: bytes(`${suffix(index)}${"33".repeat(4)}${suffix(index)}${"44".repeat(4)}`),
  };
}

export const isAbp = (shape: FleetShape, index: number) => index >= shape.otaa;

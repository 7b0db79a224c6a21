/**
 * What one simulated device is: identifiers, keys, activation, LoRaWAN version, class, where and
 * how often it transmits. The `simulate` command builds these from its flags.
 */

/** The LoRaWAN versions a simulated device speaks. */
export type DeviceVersion = "1.0.2" | "1.0.3" | "1.0.4" | "1.1";

export const DEVICE_VERSIONS: readonly DeviceVersion[] = ["1.0.2", "1.0.3", "1.0.4", "1.1"];

/** Over-the-air activation: the root keys (hex). 1.0.x devices have only the AppKey. */
export interface OtaaActivation {
  mode: "otaa";
  appKey: string;
  /** LoRaWAN 1.1 only. */
  nwkKey?: string;
}

/** Activation by personalisation: the session (hex). 1.0.x devices use one network key. */
export interface AbpActivation {
  mode: "abp";
  devAddr: string;
  appSKey: string;
  /** FNwkSIntKey in 1.1; NwkSKey in 1.0.x. */
  fNwkSIntKey: string;
  /** LoRaWAN 1.1 only. */
  sNwkSIntKey?: string;
  /** LoRaWAN 1.1 only. */
  nwkSEncKey?: string;
  /** The frame counter of the first uplink (default 0): a session the stack has seen frames of. */
  fCntUp?: number;
}

/** The application payload of one uplink. */
export interface GeneratedPayload {
  fPort: number;
  bytes: Uint8Array;
}

/** Makes the payload of each uplink; `fCnt` is the frame counter it will go out with. */
export type PayloadGenerator = (context: { deviceId: string; fCnt: number }) => GeneratedPayload;

export interface DeviceProfile {
  deviceId: string;
  /** EUI-64 as 16 hex digits. */
  devEui: string;
  /** EUI-64 as 16 hex digits (all zeros is fine for ABP). */
  joinEui: string;
  activation: OtaaActivation | AbpActivation;
  version: DeviceVersion;
  deviceClass: "A" | "C";
  /** A frequency plan identifier, e.g. `EU_863_870_TTN`. */
  frequencyPlanId: string;
  /** The data rate index uplinks start at (ADR may change it). */
  dataRate: number;
  /** Whether uplinks ask for ADR (default true). */
  adr?: boolean;
  /** Milliseconds between uplinks. */
  intervalMs: number;
  /** Share of uplinks sent confirmed, 0 to 1. */
  confirmedShare: number;
  /** Default: a 4-byte counter on FPort 1. */
  payload?: PayloadGenerator;
  /**
   * Transmissions of a confirmed uplink before giving up. Default: 8 in 1.0.2 and 1.0.3 (the
   * usual device stack setting), NbTrans in 1.0.4 and 1.1 (as those specifications say).
   */
  confirmedAttempts?: number;
  /** Battery level answered in DevStatusAns: 0 external power, 1–254, 255 unknown (default 254). */
  battery?: number;
}

/** A 4-byte big-endian counter on FPort 1: easy to check at the other end. */
export const counterPayload: PayloadGenerator = ({ fCnt }) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, fCnt);
  return { fPort: 1, bytes };
};

/**
 * What the registration form makes of its values: the end device and the field paths to
 * write, as The Things Stack's Console registers a device (OTAA: the root keys in the Join
 * Server; ABP: a session in the Network and Application Servers), and the version pickers'
 * rules. Pure, so that it is tested without a browser.
 */

import { idError } from "../../components/ids.ts";
import type { DeviceJson } from "./registry.ts";

/** The LoRaWAN (MAC) versions offered, newest first. */
export const macVersions = [
  { value: "MAC_V1_0_4", label: "LoRaWAN Specification 1.0.4" },
  { value: "MAC_V1_0_3", label: "LoRaWAN Specification 1.0.3" },
  { value: "MAC_V1_0_2", label: "LoRaWAN Specification 1.0.2" },
  { value: "MAC_V1_0_1", label: "LoRaWAN Specification 1.0.1" },
  { value: "MAC_V1_0", label: "LoRaWAN Specification 1.0.0" },
  { value: "MAC_V1_1", label: "LoRaWAN Specification 1.1.0" },
] as const;

/** The regional parameters versions a MAC version may be used with (LoRaWAN's own pairing). */
const phyForMac: Record<string, readonly string[]> = {
  MAC_V1_0: ["PHY_V1_0"],
  MAC_V1_0_1: ["PHY_V1_0_1"],
  MAC_V1_0_2: ["PHY_V1_0_2_REV_A", "PHY_V1_0_2_REV_B"],
  MAC_V1_0_3: ["PHY_V1_0_3_REV_A"],
  MAC_V1_0_4: ["RP002_V1_0_0", "RP002_V1_0_1", "RP002_V1_0_2", "RP002_V1_0_3", "RP002_V1_0_4"],
  MAC_V1_1: [
    "PHY_V1_1_REV_A",
    "PHY_V1_1_REV_B",
    "RP002_V1_0_0",
    "RP002_V1_0_1",
    "RP002_V1_0_2",
    "RP002_V1_0_3",
    "RP002_V1_0_4",
  ],
};

const phyLabels: Record<string, string> = {
  PHY_V1_0: "TS001 1.0",
  PHY_V1_0_1: "TS001 1.0.1",
  PHY_V1_0_2_REV_A: "RP001 1.0.2",
  PHY_V1_0_2_REV_B: "RP001 1.0.2 revision B",
  PHY_V1_0_3_REV_A: "RP001 1.0.3 revision A",
  PHY_V1_1_REV_A: "RP001 1.1 revision A",
  PHY_V1_1_REV_B: "RP001 1.1 revision B",
  RP002_V1_0_0: "RP002 1.0.0",
  RP002_V1_0_1: "RP002 1.0.1",
  RP002_V1_0_2: "RP002 1.0.2",
  RP002_V1_0_3: "RP002 1.0.3",
  RP002_V1_0_4: "RP002 1.0.4",
};

/** Every regional parameters version, newest first. */
export const phyVersions: readonly string[] = Object.keys(phyLabels).reverse();

/** A human name for a regional parameters version (`RP002 1.0.3`). */
export function phyLabel(version: string): string {
  return phyLabels[version] ?? version;
}

/**
 * The PHY versions to offer: those of the band (from the Configuration service) that go with
 * the MAC version, newest first. An empty band list (not loaded yet) offers none.
 */
export function phyOptions(macVersion: string, bandVersions: readonly string[]) {
  const allowed = phyForMac[macVersion] ?? [];
  return bandVersions
    .filter((version) => allowed.includes(version))
    .reverse()
    .map((value) => ({ value, label: phyLabel(value) }));
}

/** Whether a MAC version has separate network session keys and a NwkKey (1.1 and later). */
export function isLoRaWan11(macVersion: string): boolean {
  return macVersion === "MAC_V1_1";
}

/** 32 (or `bytes` × 2) random upper-case hex digits from the browser's CSPRNG. */
export function randomHex(bytes = 16): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return [...buffer]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

/** Hex of exactly `bytes` bytes (spaces allowed), upper-case; `undefined` when it is not. */
export function normalizeHex(text: string, bytes: number): string | undefined {
  const hex = text.replace(/\s+/g, "").toUpperCase();
  return new RegExp(`^[0-9A-F]{${bytes * 2}}$`).test(hex) ? hex : undefined;
}

/** An inline error for a hex field, or null. */
export function hexError(text: string, bytes: number, label: string): string | null {
  if (text.trim() === "") return `${label} is required`;
  return normalizeHex(text, bytes) ? null : `${label} must be ${bytes * 2} hex digits`;
}

/** An inline error for an end device ID (TTS's ID rule, at most 36 characters), or null. */
export function deviceIdError(id: string): string | null {
  return id === "" ? "End device ID is required" : idError(id);
}

/** The device ID TTS's Console proposes for a DevEUI: `eui-` and the DevEUI in lower case. */
export function deviceIdFromEui(devEui: string): string {
  const hex = normalizeHex(devEui, 8);
  return hex ? `eui-${hex.toLowerCase()}` : "";
}

/** The values of the registration form. */
export interface RegisterValues {
  activation: "otaa" | "abp";
  frequencyPlanId: string;
  lorawanVersion: string;
  lorawanPhyVersion: string;
  devEui: string;
  joinEui: string;
  deviceId: string;
  name: string;
  appKey: string;
  nwkKey: string;
  devAddr: string;
  appSKey: string;
  /** FNwkSIntKey; the NwkSKey of LoRaWAN 1.0.x. */
  fNwkSIntKey: string;
  sNwkSIntKey: string;
  nwkSEncKey: string;
  resetsFCnt: boolean;
}

/** Every inline error of the form, by field; empty when it can be submitted. */
export function validateRegister(
  values: RegisterValues,
): Partial<Record<keyof RegisterValues, string>> {
  const errors: Partial<Record<keyof RegisterValues, string>> = {};
  const set = (field: keyof RegisterValues, error: string | null) => {
    if (error) errors[field] = error;
  };
  if (!values.frequencyPlanId) errors.frequencyPlanId = "Choose a frequency plan";
  if (!values.lorawanVersion) errors.lorawanVersion = "Choose a LoRaWAN version";
  if (!values.lorawanPhyVersion) errors.lorawanPhyVersion = "Choose a regional parameters version";
  set("deviceId", deviceIdError(values.deviceId));
  const v11 = isLoRaWan11(values.lorawanVersion);
  if (values.activation === "otaa") {
    set("devEui", hexError(values.devEui, 8, "DevEUI"));
    set("joinEui", hexError(values.joinEui, 8, "JoinEUI"));
    set("appKey", hexError(values.appKey, 16, "AppKey"));
    if (v11) set("nwkKey", hexError(values.nwkKey, 16, "NwkKey"));
  } else {
    if (values.devEui.trim() !== "") set("devEui", hexError(values.devEui, 8, "DevEUI"));
    set("devAddr", hexError(values.devAddr, 4, "Device address"));
    set("appSKey", hexError(values.appSKey, 16, "AppSKey"));
    set("fNwkSIntKey", hexError(values.fNwkSIntKey, 16, v11 ? "FNwkSIntKey" : "NwkSKey"));
    if (v11) {
      set("sNwkSIntKey", hexError(values.sNwkSIntKey, 16, "SNwkSIntKey"));
      set("nwkSEncKey", hexError(values.nwkSEncKey, 16, "NwkSEncKey"));
    }
  }
  return errors;
}

/**
 * The device and the paths to write for valid form values. `serverHost` is the address the
 * Identity Server records for the Network, Application and Join Servers (this stack's host).
 */
export function newDevice(
  appId: string,
  values: RegisterValues,
  serverHost: string,
): { device: DeviceJson; paths: string[] } {
  const otaa = values.activation === "otaa";
  const v11 = isLoRaWan11(values.lorawanVersion);
  const hex = (text: string, bytes: number) => normalizeHex(text, bytes) as string;
  const ids: Record<string, unknown> = {
    application_ids: { application_id: appId },
    device_id: values.deviceId,
  };
  const paths: string[] = [
    "network_server_address",
    "application_server_address",
    "frequency_plan_id",
    "lorawan_version",
    "lorawan_phy_version",
    "supports_join",
  ];
  const device: DeviceJson = {
    ids,
    network_server_address: serverHost,
    application_server_address: serverHost,
    frequency_plan_id: values.frequencyPlanId,
    lorawan_version: values.lorawanVersion,
    lorawan_phy_version: values.lorawanPhyVersion,
    supports_join: otaa,
  };
  if (values.name.trim() !== "") {
    device.name = values.name.trim();
    paths.push("name");
  }
  if (values.devEui.trim() !== "") {
    ids.dev_eui = hex(values.devEui, 8);
    paths.push("ids.dev_eui");
  }
  if (otaa) {
    ids.join_eui = hex(values.joinEui, 8);
    device.join_server_address = serverHost;
    device.root_keys = {
      app_key: { key: hex(values.appKey, 16) },
      ...(v11 ? { nwk_key: { key: hex(values.nwkKey, 16) } } : {}),
    };
    paths.push("ids.join_eui", "join_server_address", "root_keys.app_key.key");
    if (v11) paths.push("root_keys.nwk_key.key");
    return { device, paths };
  }
  const keys: Record<string, unknown> = {
    app_s_key: { key: hex(values.appSKey, 16) },
    f_nwk_s_int_key: { key: hex(values.fNwkSIntKey, 16) },
  };
  if (v11) {
    keys.s_nwk_s_int_key = { key: hex(values.sNwkSIntKey, 16) };
    keys.nwk_s_enc_key = { key: hex(values.nwkSEncKey, 16) };
  }
  device.session = { dev_addr: hex(values.devAddr, 4), keys };
  paths.push("session.dev_addr", "session.keys.app_s_key.key", "session.keys.f_nwk_s_int_key.key");
  if (v11) paths.push("session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key");
  if (values.resetsFCnt) {
    device.mac_settings = { resets_f_cnt: { value: true } };
    paths.push("mac_settings.resets_f_cnt");
  }
  return { device, paths };
}

import type { DeviceVersion } from "../device/index.ts";
import type { ListedDevice } from "./device-list.ts";

/** What `lorastack simulate` runs, from its flags. */
export interface SimulationOptions {
  /** Host of the stack (`--server`). */
  server: string;
  /** `host:port` of the Semtech UDP listener; several, comma-separated: gateway i uses the i-th (mod n). */
  udpAddress: string;
  /** Basics Station LNS base URL (`ws://host:1887`); several, comma-separated, spread the same way. */
  basicStationUrl: string;
  /** The HTTP API base URL (`http://host:1885`). */
  apiUrl: string;
  gateways: number;
  gatewayProtocol: "udp" | "basic-station" | "mixed";
  devices: number;
  /** Uplinks per second of the whole fleet. */
  rate: number;
  /** Seconds; 0 runs until interrupted. */
  durationS: number;
  version: DeviceVersion;
  deviceClass: "A" | "C";
  activation: "otaa" | "abp";
  frequencyPlanId: string;
  dataRate: number;
  /** Share of uplinks sent confirmed, 0 to 1. */
  confirmed: number;
  /** Prefix of the IDs of simulated gateways and devices. */
  idPrefix: string;
  seed: number;
  /**
   * Devices given by `--devices-file` (registered already): they replace the planned devices,
   * and `devices`, `version`, `class` and `activation` are theirs.
   */
  deviceList?: readonly ListedDevice[];
  /** Registration through the API, or none (the fleet is registered already). */
  register?: { apiKey: string; applicationId: string; gatewayOwner: string };
  /** Radius (m) around the gateways where devices are placed. */
  radiusM: number;
  json: boolean;
}

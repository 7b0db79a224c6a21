import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import {
  GenerateDevAddrResponseSchema,
  GetDeviceAdressPrefixesResponseSchema,
  GetNetIDResponseSchema,
  type Ns,
} from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import {
  type DevAddrPrefix,
  formatDevAddrPrefix,
  generateDevAddr,
  type RandomBelow,
} from "../dev-addr/index.ts";
import { type DefaultMacSettingsConfig, defaultMacSettings } from "./default-mac-settings.ts";
import { deviceBand } from "./device-band.ts";

/**
 * `Ns`: answers from configuration (`ns.net_id`, `ns.dev_addr_prefixes`,
 * `ns.default_mac_settings`) and the frequency plans. Configuration, not secrets: no rights
 * needed, as The Things Stack's.
 */
export function nsService(options: {
  /** The 24-bit NetID. */
  netId: number;
  /** Checked against the NetID (`devAddrPrefixesOf`). */
  devAddrPrefixes: readonly DevAddrPrefix[];
  frequencyPlans: FrequencyPlans;
  defaultMacSettings: DefaultMacSettingsConfig;
  random?: RandomBelow;
}): Partial<ServiceImpl<typeof Ns>> {
  const netId = new Uint8Array([
    options.netId >>> 16,
    (options.netId >>> 8) & 0xff,
    options.netId & 0xff,
  ]);
  return {
    async generateDevAddr() {
      return create(GenerateDevAddrResponseSchema, {
        devAddr: generateDevAddr(options.devAddrPrefixes, options.random),
      });
    },
    async getDefaultMACSettings(request) {
      const band = deviceBand(
        options.frequencyPlans,
        request.frequencyPlanId,
        request.lorawanPhyVersion,
      );
      return defaultMacSettings(band, options.defaultMacSettings);
    },
    async getNetID() {
      return create(GetNetIDResponseSchema, { netId });
    },
    async getDeviceAddressPrefixes() {
      return create(GetDeviceAdressPrefixesResponseSchema, {
        devAddrPrefixes: options.devAddrPrefixes.map(formatDevAddrPrefix),
      });
    },
  };
}

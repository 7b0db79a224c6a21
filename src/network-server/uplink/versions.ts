/**
 * What the matching of a data uplink needs to know about a LoRaWAN version, as a table (the
 * enum's numbers are not in version order: MAC_V1_1 is 4, MAC_V1_0_3 is 5).
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";

export interface VersionRules {
  /** 1.0.x MIC with one key (NwkSKey); false for 1.1 (FNwkSIntKey and SNwkSIntKey). */
  legacyMic: boolean;
  /** LoRaWAN 1.0.0–1.0.3 drop frames more than MAX_FCNT_GAP ahead. */
  maxFCntGap: boolean;
  /** Before 1.0.4 a confirmed uplink may be sent at most `MAX_CONFIRMED_TRANSMISSIONS` times. */
  limitConfirmedTransmissions: boolean;
}

const rules: ReadonlyMap<MACVersion, VersionRules> = new Map([
  [MACVersion.MAC_V1_0, rule(true, true, true)],
  [MACVersion.MAC_V1_0_1, rule(true, true, true)],
  [MACVersion.MAC_V1_0_2, rule(true, true, true)],
  [MACVersion.MAC_V1_0_3, rule(true, true, true)],
  [MACVersion.MAC_V1_0_4, rule(true, false, false)],
  [MACVersion.MAC_V1_1, rule(false, false, false)],
]);

function rule(
  legacyMic: boolean,
  maxFCntGap: boolean,
  limitConfirmedTransmissions: boolean,
): VersionRules {
  return { legacyMic, maxFCntGap, limitConfirmedTransmissions };
}

/** The rules of a version; `undefined` for MAC_UNKNOWN and numbers the enum does not have. */
export function versionRules(version: MACVersion): VersionRules | undefined {
  return rules.get(version);
}

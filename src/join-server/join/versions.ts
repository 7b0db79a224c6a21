/**
 * What a LoRaWAN version changes in a join, as a table: which DevNonce rule applies and
 * whether the join-accept is a 1.1 one (OptNeg set: JSIntKey MIC, four session keys).
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { errUnsupportedMacVersion } from "../errors.ts";

/**
 * `history`: LoRaWAN 1.0 to 1.0.3, a DevNonce is random and must not repeat (the used ones
 * are kept). `increasing`: LoRaWAN 1.0.4 and 1.1, a DevNonce is a counter and must grow.
 */
export type DevNonceRule = "history" | "increasing";

export interface VersionRules {
  devNonceRule: DevNonceRule;
  /** LoRaWAN 1.1: OptNeg, NwkKey and AppKey, JSIntKey/JSEncKey, rejoin-requests. */
  lorawan11: boolean;
}

const rules = new Map<MACVersion, VersionRules>([
  [MACVersion.MAC_V1_0, { devNonceRule: "history", lorawan11: false }],
  [MACVersion.MAC_V1_0_1, { devNonceRule: "history", lorawan11: false }],
  [MACVersion.MAC_V1_0_2, { devNonceRule: "history", lorawan11: false }],
  [MACVersion.MAC_V1_0_3, { devNonceRule: "history", lorawan11: false }],
  [MACVersion.MAC_V1_0_4, { devNonceRule: "increasing", lorawan11: false }],
  [MACVersion.MAC_V1_1, { devNonceRule: "increasing", lorawan11: true }],
]);

/** The rules of the version the Network Server selected; throws for versions we do not serve. */
export function versionRules(version: MACVersion): VersionRules {
  const found = rules.get(version);
  if (!found) {
    throw errUnsupportedMacVersion.create({ version: MACVersion[version] ?? String(version) });
  }
  return found;
}

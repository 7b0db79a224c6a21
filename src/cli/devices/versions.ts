import { enumAliases } from "../../api/rest/enum-aliases.ts";
import { errVersion } from "./errors.ts";

/**
 * LoRaWAN (MAC) and regional parameters (PHY) versions as the CLI reads them: The Things
 * Stack's names (`MAC_V1_0_3`, `RP002_V1_0_3`) and the aliases its JSON reader takes (`1.0.3`,
 * `1.0.2-b`), written in TTS's form. The aliases are the REST layer's own table.
 */

/** The names written, by enum value number (lorawan.proto). */
const macNames = [
  "MAC_UNKNOWN",
  "MAC_V1_0",
  "MAC_V1_0_1",
  "MAC_V1_0_2",
  "MAC_V1_1",
  "MAC_V1_0_3",
  "MAC_V1_0_4",
  "MAC_V1_2_0",
];
const phyNames = [
  "PHY_UNKNOWN",
  "PHY_V1_0",
  "PHY_V1_0_1",
  "PHY_V1_0_2_REV_A",
  "PHY_V1_0_2_REV_B",
  "PHY_V1_1_REV_A",
  "PHY_V1_1_REV_B",
  "PHY_V1_0_3_REV_A",
  "RP002_V1_0_0",
  "RP002_V1_0_1",
  "RP002_V1_0_2",
  "RP002_V1_0_3",
  "RP002_V1_0_4",
];

/** Every accepted spelling → the value number; the unknown version (0) is not accepted. */
function spellings(names: readonly string[], enumName: string): Map<string, number> {
  const table = new Map<string, number>();
  names.forEach((name, value) => {
    table.set(name, value);
  });
  for (const [alias, value] of enumAliases.get(`ttn.lorawan.v3.${enumName}`) ?? [])
    table.set(alias, value);
  for (const [spelling, value] of table) if (value === 0) table.delete(spelling);
  return table;
}

const versionKinds = {
  mac: { names: macNames, spellings: spellings(macNames, "MACVersion") },
  phy: { names: phyNames, spellings: spellings(phyNames, "PHYVersion") },
} as const;

/** The version's TTS name (`1.0.3` → `MAC_V1_0_3`), or `invalid_version` naming `flag`. */
export function parseVersion(kind: "mac" | "phy", flag: string, value: string): string {
  const { names, spellings: table } = versionKinds[kind];
  const number = table.get(value) ?? table.get(value.toUpperCase());
  if (number === undefined)
    throw errVersion.create({ flag, value, allowed: names.slice(1).join(", ") });
  return names[number] as string;
}

/** Whether a MAC version has LoRaWAN 1.1's separate network keys (1.1 and later). */
export function hasSeparateNetworkKeys(macVersion: string): boolean {
  return macVersion === "MAC_V1_1" || macVersion === "MAC_V1_2_0";
}

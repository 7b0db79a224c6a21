/**
 * Regional parameters versions. The LoRaWAN 1.0.x/1.1 specifications carried the regional
 * parameters in their own documents ("PHY" versions, named after the LoRaWAN version and the
 * document revision); from 2020 they are published as RP002-1.0.x, independent of the MAC version.
 *
 * | ours           | LoRa Alliance document                         | The Things Stack name |
 * |----------------|------------------------------------------------|-----------------------|
 * | `1.0`          | LoRaWAN 1.0 specification, chapter 7           | `PHY_V1_0`            |
 * | `1.0.1`        | LoRaWAN 1.0.1 specification, chapter 7         | `PHY_V1_0_1`          |
 * | `1.0.2-a`      | LoRaWAN Regional Parameters v1.0 (for 1.0.2)   | `PHY_V1_0_2_REV_A`    |
 * | `1.0.2-b`      | LoRaWAN Regional Parameters v1.0.2rB           | `PHY_V1_0_2_REV_B`    |
 * | `1.0.3-a`      | LoRaWAN Regional Parameters v1.0.3rA           | `PHY_V1_0_3_REV_A`    |
 * | `1.1-a`        | LoRaWAN Regional Parameters v1.1rA             | `PHY_V1_1_REV_A`      |
 * | `1.1-b`        | LoRaWAN Regional Parameters v1.1rB             | `PHY_V1_1_REV_B`      |
 * | `RP002-1.0.0`… | RP002-1.0.0 … RP002-1.0.4                      | `RP002_V1_0_0` …      |
 */
export type RegionalParametersVersion =
  | "1.0"
  | "1.0.1"
  | "1.0.2-a"
  | "1.0.2-b"
  | "1.0.3-a"
  | "1.1-a"
  | "1.1-b"
  | "RP002-1.0.0"
  | "RP002-1.0.1"
  | "RP002-1.0.2"
  | "RP002-1.0.3"
  | "RP002-1.0.4";

/** Every version, oldest first: the order in which band modules apply their deltas. */
export const regionalParametersVersions: readonly RegionalParametersVersion[] = [
  "1.0",
  "1.0.1",
  "1.0.2-a",
  "1.0.2-b",
  "1.0.3-a",
  "1.1-a",
  "1.1-b",
  "RP002-1.0.0",
  "RP002-1.0.1",
  "RP002-1.0.2",
  "RP002-1.0.3",
  "RP002-1.0.4",
];

const ttsNames: Readonly<Record<RegionalParametersVersion, string>> = {
  "1.0": "PHY_V1_0",
  "1.0.1": "PHY_V1_0_1",
  "1.0.2-a": "PHY_V1_0_2_REV_A",
  "1.0.2-b": "PHY_V1_0_2_REV_B",
  "1.0.3-a": "PHY_V1_0_3_REV_A",
  "1.1-a": "PHY_V1_1_REV_A",
  "1.1-b": "PHY_V1_1_REV_B",
  "RP002-1.0.0": "RP002_V1_0_0",
  "RP002-1.0.1": "RP002_V1_0_1",
  "RP002-1.0.2": "RP002_V1_0_2",
  "RP002-1.0.3": "RP002_V1_0_3",
  "RP002-1.0.4": "RP002_V1_0_4",
};

const byTtsName: ReadonlyMap<string, RegionalParametersVersion> = new Map(
  regionalParametersVersions.map((version) => [ttsNames[version], version]),
);

/** The name The Things Stack's API uses for a version (`lorawan_phy_version`), e.g. `RP002_V1_0_3`. */
export function phyVersionName(version: RegionalParametersVersion): string {
  return ttsNames[version];
}

/** Parses a The Things Stack version name (`PHY_V1_0_2_REV_B`, `RP002_V1_0_3`). */
export function parsePhyVersionName(name: string): RegionalParametersVersion | undefined {
  return byTtsName.get(name);
}

/** Whether `value` is one of our version identifiers. */
export function isRegionalParametersVersion(value: string): value is RegionalParametersVersion {
  return (regionalParametersVersions as readonly string[]).includes(value);
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(
  a: RegionalParametersVersion,
  b: RegionalParametersVersion,
): number {
  return regionalParametersVersions.indexOf(a) - regionalParametersVersions.indexOf(b);
}

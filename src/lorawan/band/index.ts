/**
 * Regional parameters as data: every band in every regional parameters version we support,
 * one module per band under `bands/`, each a base definition plus per-version deltas.
 */
import { as923Bands } from "./bands/as-923.ts";
import { au915928Bands } from "./bands/au-915-928.ts";
import { cn470510Bands } from "./bands/cn-470-510.ts";
import { cn470510Rp002Bands } from "./bands/cn-470-510-rp002.ts";
import { cn779787Bands } from "./bands/cn-779-787.ts";
import { eu433Bands } from "./bands/eu-433.ts";
import { eu863870Bands } from "./bands/eu-863-870.ts";
import { in865867Bands } from "./bands/in-865-867.ts";
import { ism2400Bands } from "./bands/ism-2400.ts";
import { kr920923Bands } from "./bands/kr-920-923.ts";
import { ma869870DraftBands } from "./bands/ma-869-870-draft.ts";
import { ru864870Bands } from "./bands/ru-864-870.ts";
import { us902928Bands } from "./bands/us-902-928.ts";
import { errBandNotFound } from "./errors.ts";
import type { Band, BandId } from "./types.ts";
import type { RegionalParametersVersion } from "./version.ts";

export {
  type CfList,
  decodeCfList,
  encodeChannelMaskCfList,
  encodeFrequencyCfList,
} from "./cf-list.ts";
export {
  applyChannelMasks,
  type ChMaskCommand,
  channelMaskSize,
  generateChannelMasks,
} from "./channel-mask.ts";
export * from "./errors.ts";
export {
  findDataRateIndex,
  getDataRate,
  maxApplicationPayloadSize,
  maxMacPayloadSize,
  rx1Channel,
  rx1DataRate,
  subBandOf,
  txPowerOffset,
} from "./functions.ts";
export type * from "./types.ts";
export {
  compareVersions,
  isRegionalParametersVersion,
  parsePhyVersionName,
  phyVersionName,
  type RegionalParametersVersion,
  regionalParametersVersions,
} from "./version.ts";

/** Every band in every version we define. */
export const bands: readonly Band[] = Object.freeze([
  ...eu863870Bands,
  ...us902928Bands,
  ...au915928Bands,
  ...as923Bands,
  ...cn470510Bands,
  ...cn470510Rp002Bands,
  ...cn779787Bands,
  ...eu433Bands,
  ...in865867Bands,
  ...kr920923Bands,
  ...ru864870Bands,
  ...ism2400Bands,
  ...ma869870DraftBands,
]);

const byKey = new Map(bands.map((band) => [`${band.id}@${band.version}`, band]));

/** The ids of all bands, in the order of {@link bands}. */
export const bandIds: readonly BandId[] = Object.freeze([...new Set(bands.map((b) => b.id))]);

/** The band `bandId` (e.g. `EU_863_870`) as defined by `version`, if we define it. */
export function findBand(bandId: BandId, version: RegionalParametersVersion): Band | undefined {
  return byKey.get(`${bandId}@${version}`);
}

/** Like {@link findBand}, but throws a typed `band_not_found` (not_found) error. */
export function getBand(bandId: BandId, version: RegionalParametersVersion): Band {
  const band = findBand(bandId, version);
  if (band === undefined) throw errBandNotFound.create({ band_id: bandId, version });
  return band;
}

/** The versions in which `bandId` is defined, oldest first. */
export function bandVersions(bandId: BandId): RegionalParametersVersion[] {
  return bands.filter((band) => band.id === bandId).map((band) => band.version);
}

/** The newest version in which `bandId` is defined. */
export function latestBand(bandId: BandId): Band | undefined {
  return bands.findLast((band) => band.id === bandId);
}

import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import { type PHYVersion, PHYVersionSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { findBand, parsePhyVersionName } from "../../lorawan/band/index.ts";
import type { Band } from "../../lorawan/band/types.ts";
import type { FrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { errNoBand, errUnknownFrequencyPlan, errUnknownPhyVersion } from "../errors.ts";

/** The name of a `PHYVersion` as The Things Stack writes it (`PHY_V1_0_2_REV_B`). */
export function phyVersionEnumName(version: PHYVersion): string | undefined {
  // With aliases, the first value of a number is the PHY_* name.
  return PHYVersionSchema.values.find((value) => value.number === version)?.name;
}

/** A device's frequency plan and band (the plan's band in the device's regional parameters). */
export interface DeviceBand {
  plan: FrequencyPlan;
  band: Band;
}

/**
 * The plan and band of `frequencyPlanId` and `phyVersion`; throws `frequency_plan_not_found`,
 * `unknown_phy_version` or `band_not_found`.
 */
export function deviceBand(
  plans: FrequencyPlans,
  frequencyPlanId: string,
  phyVersion: PHYVersion,
): DeviceBand {
  const plan = plans.find(frequencyPlanId);
  if (!plan) throw errUnknownFrequencyPlan.create({ id: frequencyPlanId });
  const name = phyVersionEnumName(phyVersion) ?? String(phyVersion);
  const version = parsePhyVersionName(name);
  if (!version) throw errUnknownPhyVersion.create({ version: name });
  const band = findBand(plan.bandId, version);
  if (!band) throw errNoBand.create({ band_id: plan.bandId, version: name });
  return { plan, band };
}

import { as920925Plans } from "./as-920-925.ts";
import { as923Plans } from "./as-923.ts";
import { au915928Plans } from "./au-915-928.ts";
import { cn470510Plans } from "./cn-470-510.ts";
import { errFrequencyPlanNotFound } from "./errors.ts";
import { eu433 } from "./eu-433.ts";
import { europe863870Plans } from "./eu-863-870.ts";
import { in865867 } from "./in-865-867.ts";
import { ism2400ThreeChannelDraft2 } from "./ism-2400.ts";
import { israelPlans } from "./israel.ts";
import { japanPlans } from "./japan.ts";
import { kr920923Ttn } from "./kr-920-923.ts";
import { ma869870Draft } from "./ma-869-870.ts";
import { ru864870Ttn } from "./ru-864-870.ts";
import type { FrequencyPlan } from "./types.ts";
import { us902928Plans } from "./us-902-928.ts";

export { errFrequencyPlanNotFound } from "./errors.ts";
export type {
  DownlinkChannel,
  DwellTime,
  FrequencyPlan,
  ListenBeforeTalk,
  PingSlotParameters,
  Radio,
  RadioTransmitter,
  Rx2Parameters,
  SingleDataRateChannel,
  SubBand,
  TimeOffAir,
  UplinkChannel,
} from "./types.ts";

/** Every frequency plan we ship, grouped by region. Identifiers are unique. */
export const frequencyPlans: readonly FrequencyPlan[] = deepFreeze([
  ...europe863870Plans,
  eu433,
  ...us902928Plans,
  ...au915928Plans,
  ...cn470510Plans,
  ...as923Plans,
  ...as920925Plans,
  ...japanPlans,
  ...israelPlans,
  kr920923Ttn,
  in865867,
  ru864870Ttn,
  ma869870Draft,
  ism2400ThreeChannelDraft2,
]);

const byId = new Map(frequencyPlans.map((plan) => [plan.id, plan]));

/** The plan with identifier `id`, or `undefined`. */
export function findFrequencyPlan(id: string): FrequencyPlan | undefined {
  return byId.get(id);
}

/** The plan with identifier `id`; throws {@link errFrequencyPlanNotFound} when there is none. */
export function getFrequencyPlan(id: string): FrequencyPlan {
  const plan = byId.get(id);
  if (plan === undefined) throw errFrequencyPlanNotFound.create({ id });
  return plan;
}

/** Freezes plan data so that no caller can change a plan for everyone (plans share objects). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

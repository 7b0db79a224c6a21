export { type FrequencyPlansConfig, frequencyPlansConfig } from "./config.ts";
export {
  errBuiltinPlanReplaced,
  errFrequencyPlanFile,
  errFrequencyPlansDirectory,
} from "./errors.ts";
export { FrequencyPlans, type FrequencyPlansOptions } from "./frequency-plans.ts";

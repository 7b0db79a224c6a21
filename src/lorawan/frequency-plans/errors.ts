import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("lorawan/frequency-plans");

/** No frequency plan has the requested identifier. */
export const errFrequencyPlanNotFound = errors.notFound(
  "frequency_plan_not_found",
  "frequency plan `{id}` not found",
);

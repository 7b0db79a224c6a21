import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("frequency-plans");

/** `frequency_plans.directory` is not a readable folder with an index. */
export const errFrequencyPlansDirectory = errors.invalidArgument(
  "directory",
  "frequency_plans.directory = {directory}: {reason}",
);

/** A frequency plan file (or the index) is unreadable, not YAML, or has a bad field. */
export const errFrequencyPlanFile = errors.invalidArgument(
  "file",
  "frequency plan file {file}: {details}",
);

/** An operator plan has the id of a built-in plan and replacing was not asked for. */
export const errBuiltinPlanReplaced = errors.invalidArgument(
  "builtin_replaced",
  "frequency plan file {file}: plan {id} has the id of a built-in plan; set frequency_plans.replace_builtin to true to replace built-in plans",
);

import { errorNamespace } from "../../errors/index.ts";

// Errors of building messages for a gateway (configuration problems that reach callers);
// malformed frames from the network are drops (drop-reasons.ts), never errors.
const errors = errorNamespace("gateway-protocols/basic-station");

export const errNoFrequencyPlan = errors.failedPrecondition(
  "no_frequency_plan",
  "a router_config needs at least one frequency plan",
);

export const errMixedBands = errors.invalidArgument(
  "mixed_bands",
  "frequency plans `{first}` and `{other}` use different bands; station takes one region",
);

export const errBandNotFound = errors.invalidArgument(
  "band_not_found",
  "band `{band_id}` of frequency plan `{plan_id}` is not defined",
);

export const errPlanWithoutRadios = errors.invalidArgument(
  "plan_without_radios",
  "frequency plan `{plan_id}` has no radios for an SX1301 configuration",
);

export const errTooManyChannels = errors.invalidArgument(
  "too_many_channels",
  "frequency plan `{plan_id}` has {count} multi-SF channels; an SX1301 has 8",
);

export const errChannelRadio = errors.invalidArgument(
  "channel_radio",
  "channel {frequency} Hz of frequency plan `{plan_id}` names no radio of the plan",
);

export const errDownlink = errors.invalidArgument(
  "downlink",
  "downlink field `{field}` is invalid: {reason}",
);

import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("gatewayconfigurationserver");

/** The path's gateway ID breaks the ID rule. */
export const errInvalidGatewayId = errors.invalidArgument(
  "invalid_gateway_id",
  "invalid `gateway_id` `{gateway_id}`",
);

/** The gateway's `gateway_server_address` (or the configured default) is not `host[:port]`. */
export const errInvalidGatewayServerAddress = errors.invalidArgument(
  "invalid_gateway_server_address",
  "gateway server address `{address}` is invalid: {reason}",
);

/** The gateway has no frequency plan, so there is nothing to configure its radios with. */
export const errNoFrequencyPlan = errors.invalidArgument(
  "no_frequency_plan",
  "gateway `{gateway_id}` has no frequency plan",
);

/** The plan describes no concentrator radios (2.4 GHz plans), so no `SX1301_conf` fits it. */
export const errNoRadios = errors.invalidArgument(
  "frequency_plan_without_radios",
  "frequency plan `{frequency_plan_id}` has no radios for a `SX1301_conf`",
);

/** The plan's band is not one this program knows. */
export const errUnknownBand = errors.invalidArgument(
  "unknown_band",
  "frequency plan `{frequency_plan_id}` uses unknown band `{band_id}`",
);

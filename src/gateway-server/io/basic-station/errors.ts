import { errorNamespace } from "../../../errors/index.ts";

// The Basics Station frontend's errors, with The Things Stack's names where it has them.
const errors = errorNamespace("gateway-server/basic-station");

export const errInvalidGatewayId = errors.invalidArgument(
  "invalid_gateway_id",
  "invalid gateway ID `{id}`",
);
export const errNoAuthProvided = errors.unauthenticated(
  "no_auth_provided",
  "no auth provided for gateway EUI `{eui}`",
);
export const errMissedTooManyPongs = errors.unavailable(
  "missed_too_many_pongs",
  "gateway missed too many pongs",
);
export const errRouterConfig = errors.failedPrecondition(
  "router_config",
  "no router_config for gateway `{gateway_uid}`: {reason}",
);
/** A downlink the frontend could not put on the wire (reason from `downlinkFailures`). */
export const errDownlink = errors.failedPrecondition(
  "downlink",
  "cannot send the downlink to the station: {reason}",
);
export const errStationGone = errors.unavailable(
  "station_gone",
  "the station's connection is closed",
);

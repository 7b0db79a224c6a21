import { errorNamespace } from "../errors/index.ts";

// The Gateway Server's errors, with The Things Stack's names where it has them.
const errors = errorNamespace("gateway-server");

/** No connection of the gateway in the cluster. */
export const errNotConnected = errors.notFound(
  "not_connected",
  "gateway `{gateway_uid}` not connected",
);
export const errNotTxRequest = errors.invalidArgument(
  "not_tx_request",
  "downlink message is not a Tx request",
);
export const errNoDownlinkPaths = errors.invalidArgument(
  "no_downlink_paths",
  "the Tx request has no downlink paths",
);
export const errInvalidUplinkToken = errors.invalidArgument("uplink_token", "invalid uplink token");
/** One path of a downlink failed; collected into {@link errSchedule}'s `path_errors`. */
export const errSchedulePath = errors.aborted(
  "schedule_path",
  "failed to schedule on path `{gateway_uid}`",
);
/**
 * Every path failed. Its `path_errors` attribute lists each path's error (namespace, name,
 * message, attributes), from which `scheduleDownlinkErrorDetails` builds TTS's
 * `ScheduleDownlinkErrorDetails`.
 */
export const errSchedule = errors.aborted("schedule", "failed to schedule");
/** A frontend's gateway is not registered (or the caller may not see it). */
export const errGatewayNotFound = errors.notFound(
  "gateway_not_found",
  "gateway `{gateway}` is not registered",
);
export const errGatewayEuiNotFound = errors.notFound(
  "gateway_eui_not_found",
  "no gateway with EUI `{eui}` is registered",
);
/** The gateway requires an authenticated connection and the frontend's was not. */
export const errUnauthenticated = errors.unauthenticated(
  "unauthenticated",
  "gateway `{gateway_uid}` requires an authenticated connection",
);
/** The Identity Server could not be asked (not configured or not reachable). */
export const errRegistryUnavailable = errors.unavailable(
  "registry_unavailable",
  "the gateway registry is not available",
);
/** Told to a connection that another connection of its gateway replaced. */
export const errConnectionReplaced = errors.aborted(
  "connection_replaced",
  "gateway `{gateway_uid}` connected again",
);
/** Told to a connection when the Gateway Server stops. */
export const errStopping = errors.unavailable("stopping", "the Gateway Server is stopping");
/** The frontend's downlink sink refused or failed a downlink. */
export const errSend = errors.unavailable("send", "could not send the downlink to the gateway");
/** The gateway has no frequency plan this instance knows: its downlinks cannot be scheduled. */
export const errNoFrequencyPlan = errors.failedPrecondition(
  "no_frequency_plan",
  "gateway `{gateway_uid}` has no known frequency plan",
);

import { errorNamespace } from "../../../errors/index.ts";

const errors = errorNamespace("gateway-server/io/udp");

/** No PULL_DATA yet, or none for `downlink_path_expires`: the gateway cannot be reached. */
export const errNoDownlinkPath = errors.unavailable(
  "no_downlink_path",
  "gateway `{eui}` has no downlink path (no PULL_DATA for `{expires_ms}` ms)",
);
/** Told to the connection when the gateway sent nothing for `connection_expires`. */
export const errConnectionExpired = errors.unavailable(
  "connection_expired",
  "gateway `{eui}` sent nothing for `{expires_ms}` ms",
);

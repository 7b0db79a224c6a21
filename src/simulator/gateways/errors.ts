import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("simulator/gateways");

export const errNoAnswer = errors.unavailable(
  "no_answer",
  "gateway `{gateway_id}` got no answer from {address} within {timeout_ms} ms",
);
export const errDiscovery = errors.unavailable(
  "discovery_failed",
  "gateway `{gateway_id}`: LNS discovery at {url} failed: {reason}",
);
export const errClosed = errors.unavailable(
  "connection_closed",
  "gateway `{gateway_id}`: the connection closed before it was ready ({reason})",
);

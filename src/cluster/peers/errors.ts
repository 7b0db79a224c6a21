import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("cluster/peers");

/** A role that neither runs in this process nor has an address configured. */
export const errPeerNotConfigured = errors.failedPrecondition(
  "peer_not_configured",
  "the {title} does not run in this process and `{key}` is not set",
);
/** A peer address in configuration (or given by a caller) that is none. */
export const errInvalidPeerAddress = errors.invalidArgument(
  "invalid_peer_address",
  "invalid peer address `{address}`: expected host:port, [ipv6]:port, or a domain for DNS SRV",
);
/** The peer could not be found (DNS) or reached (connection), after retries. */
export const errPeerUnavailable = errors.unavailable(
  "peer_unavailable",
  "{peer} at `{address}` is unavailable: {reason}",
);
/** A direct call to a service that no component of this process registered. */
export const errServiceNotServed = errors.unimplemented(
  "service_not_served",
  "`{service}` is not served in this process",
);
/** A direct call to a method the registered implementation does not have. */
export const errMethodNotImplemented = errors.unimplemented(
  "method_not_implemented",
  "`{method}` is not implemented",
);
/** A peer call that ran past its deadline. */
export const errCallDeadline = errors.deadlineExceeded(
  "call_deadline_exceeded",
  "the call to `{method}` exceeded its deadline",
);
/** A peer call its caller cancelled. */
export const errCallCancelled = errors.cancelled(
  "call_cancelled",
  "the call to `{method}` was cancelled",
);
/** A coordination part the process was started without (see createCluster). */
export const errCoordinationMissing = errors.failedPrecondition(
  "coordination_missing",
  "this process has no {part} implementation",
);
/** The CA file of `cluster.tls_ca` could not be read. */
export const errClusterCa = errors.failedPrecondition(
  "cluster_ca_unreadable",
  "cannot read the cluster CA file `{file}`: {reason}",
);

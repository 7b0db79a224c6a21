import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("listeners");

/** Binding failed: the port is taken, the address is not on this machine, no permission... */
export const errListen = errors.unavailable(
  "listen",
  "cannot listen on {address} for {listener}: {reason}",
);

/** A listener was given something that is not a listen address (or `""`, which disables it). */
export const errListenAddress = errors.invalidArgument(
  "listen_address",
  'listener {listener}: {address} is not a listen address ("host:port", ":port", "[ipv6]:port")',
);

/** Two listeners of one process with the same name: logs and test harnesses could not tell them apart. */
export const errListenerNameTaken = errors.alreadyExists(
  "listener_name_taken",
  "a listener named {listener} is already registered",
);

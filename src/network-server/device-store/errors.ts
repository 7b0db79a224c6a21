import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("networkserver/device-store");

/** A commit after `stop()`: the store no longer writes. */
export const errStoreStopped = errors.unavailable(
  "device_store_stopped",
  "the Network Server's device store is stopped",
);

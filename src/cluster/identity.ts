import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** Who this process is in its cluster. */
export interface InstanceIdentity {
  /**
   * The name operators see: `cluster.id`, or `<host name>-<process id>`. On every log line
   * (`instance`) and in `/metrics` (`lorastack_instance_info{instance}`).
   */
  readonly name: string;
  /**
   * The id other instances know this one by (claims, PubSub frames, Redis client names): the
   * name and a random suffix, so that two processes given the same `cluster.id` by mistake (or
   * a restart that reuses it while the old claims live) are still told apart.
   */
  readonly instanceId: string;
}

/** The identity of this process from `cluster.id` (empty: the host name and process id). */
export function instanceIdentity(configuredId: string): InstanceIdentity {
  const name = configuredId.trim() || defaultName();
  return { name, instanceId: `${name}.${randomBytes(4).toString("hex")}` };
}

/** `<host name>-<pid>`, the host name cut to its first label and to what `cluster.id` allows. */
function defaultName(): string {
  const host =
    (hostname().split(".")[0] ?? "")
      .replace(/[^A-Za-z0-9_-]/g, "-")
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
      .slice(0, 48) || "lorastack";
  return `${host}-${process.pid}`;
}

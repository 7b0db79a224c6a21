/**
 * Correlation ids of the work under way, as The Things Stack keeps them in its request context:
 * every API call runs in a scope with `rpc:/<service>/<method>:<id>`, and the events published
 * inside it carry the scope's ids, so that `Events.FindRelated` finds what one call caused.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { newUlid } from "./ulid.ts";

const scope = new AsyncLocalStorage<readonly string[]>();

/** The longest correlation id kept (as The Things Stack validates them: 100 characters). */
export const maxCorrelationIdLength = 100;

/** The correlation ids of the current scope (none outside any). */
export function currentCorrelationIds(): readonly string[] {
  return scope.getStore() ?? [];
}

/** Runs `work` with `ids` added to the current scope's correlation ids. */
export function withCorrelationIds<T>(ids: readonly string[], work: () => T): T {
  const outer = scope.getStore() ?? [];
  const added = ids.filter((id) => id !== "" && !outer.includes(id));
  return scope.run(added.length === 0 ? outer : [...outer, ...added], work);
}

/** A request id a client sent (`x-request-id`) that is safe to put in a correlation id. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The correlation id of one API call: `rpc:/ttn.lorawan.v3.ApplicationRegistry/Update:<id>`, the
 * id being the caller's `x-request-id` when it sent a usable one and a new ULID otherwise (as
 * The Things Stack's RPC middleware does).
 */
export function rpcCorrelationId(fullMethod: string, requestId: string | null | undefined): string {
  const id = requestId && requestIdPattern.test(requestId) ? requestId : newUlid().id;
  return `rpc:${fullMethod}:${id}`.slice(0, maxCorrelationIdLength);
}

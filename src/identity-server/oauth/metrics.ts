import { Counter, type Registry } from "prom-client";
import type { Refusal } from "./limits/index.ts";

/** What the OAuth server counts. */
export interface OAuthMetrics {
  refused(refusal: Refusal): void;
  swept(count: number): void;
  interactionsDropped(count: number): void;
}

/** Counts nothing (no registry). */
const uncounted: OAuthMetrics = {
  refused() {},
  swept() {},
  interactionsDropped() {},
};

/**
 * The OAuth server's counters on `registry`: refusals by reason and by what was limited
 * (`login`, `token`, `authorize` per address; `account`, `client`), expired artifacts swept,
 * interactions dropped by their bounds. A second server on the same registry shares them.
 */
export function oauthMetrics(registry: Registry | undefined): OAuthMetrics {
  if (!registry) return uncounted;
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] });
  const refusals = counter(
    "lorastack_oauth_refusals_total",
    "OAuth requests refused by a rate limit or a lock after failures",
    ["reason", "limit"],
  );
  const swept = counter("lorastack_oauth_swept_total", "Expired OAuth artifacts deleted");
  const dropped = counter(
    "lorastack_oauth_interactions_dropped_total",
    "OAuth interactions dropped by the bounds per client address and in all",
  );
  return {
    refused: (refusal) => refusals.inc({ reason: refusal.reason, limit: limitName(refusal.key) }),
    swept: (count) => swept.inc(count),
    interactionsDropped: (count) => dropped.inc(count),
  };
}

/** `oauth:login:address:192.0.2.1` → `login_address`: a label without the key's value. */
function limitName(key: string): string {
  const [, endpoint = "", kind = ""] = key.split(":");
  return `${endpoint}_${kind}`;
}

import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { errorDetailsMessage } from "../../api/error-details.ts";
import { asDefinedError } from "../../api/errors.ts";
import {
  type ApplicationWebhookHealth,
  ApplicationWebhookHealthSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import type { WebhookKey, WebhookRegistry } from "./registry.ts";

/** `as.webhooks.unhealthy_attempts_threshold` and `unhealthy_retry_interval`. */
export interface HealthRules {
  /** Failures after which the webhook is suspended; 0: never suspended, only monitored. */
  unhealthyAttemptsThreshold: number;
  /** How long a suspended webhook waits before one request probes it; 0: never suspended. */
  unhealthyRetryIntervalMs: number;
}

/**
 * Whether a webhook may be sent to now, by The Things Stack's rules: `send` when healthy (or
 * never tried), or unhealthy below the threshold; `probe` when over the threshold and the
 * retry interval has passed since the last failure; `suspended` otherwise.
 */
export type HealthVerdict = "send" | "probe" | "suspended";

export function healthVerdict(
  health: ApplicationWebhookHealth | undefined,
  rules: HealthRules,
  nowMs: number,
): HealthVerdict {
  const status = health?.status;
  if (status?.case !== "unhealthy") return "send";
  const monitorOnly = rules.unhealthyAttemptsThreshold <= 0 || rules.unhealthyRetryIntervalMs <= 0;
  if (monitorOnly || status.value.failedAttempts < BigInt(rules.unhealthyAttemptsThreshold))
    return "send";
  const last = status.value.lastFailedAttemptAt;
  const lastMs = last ? timestampDate(last).getTime() : 0;
  return nowMs > lastMs + rules.unhealthyRetryIntervalMs ? "probe" : "suspended";
}

/**
 * Records a request's outcome in the webhook's `health_status`, atomically: a success makes it
 * healthy (written only when it was not), a failure counts one more failed attempt with its
 * time and error. A webhook deleted meanwhile stays deleted.
 */
export async function recordOutcome(
  registry: WebhookRegistry,
  key: WebhookKey,
  failure: unknown,
  nowMs: number,
): Promise<void> {
  await registry.update(key, (current) => {
    if (!current) return null;
    const status = current.healthStatus?.status;
    if (failure === undefined) {
      if (status?.case === "healthy") return current;
      current.healthStatus = create(ApplicationWebhookHealthSchema, {
        status: { case: "healthy", value: {} },
      });
      return current;
    }
    const failed = status?.case === "unhealthy" ? status.value.failedAttempts : 0n;
    current.healthStatus = create(ApplicationWebhookHealthSchema, {
      status: {
        case: "unhealthy",
        value: {
          failedAttempts: failed + 1n,
          lastFailedAttemptAt: timestampFromMs(nowMs),
          lastFailedAttemptDetails: errorDetailsMessage(asDefinedError(failure), ""),
        },
      },
    });
    return current;
  });
}

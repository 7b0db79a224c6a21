import type { RetryPolicy } from "../task-queue.ts";

/** The retry policy with its defaults filled in. */
export type ResolvedRetryPolicy = Required<RetryPolicy>;

export const defaultRetryPolicy: ResolvedRetryPolicy = {
  maxAttempts: 5,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
};

export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const positive = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  return {
    maxAttempts: Math.max(
      1,
      Math.floor(positive(policy.maxAttempts, defaultRetryPolicy.maxAttempts)),
    ),
    backoffMs: positive(policy.backoffMs, defaultRetryPolicy.backoffMs),
    maxBackoffMs: positive(policy.maxBackoffMs, defaultRetryPolicy.maxBackoffMs),
  };
}

/** The delay before the retry that follows failed attempt `attempt` (1-based): doubling, capped. */
export function retryDelay(policy: ResolvedRetryPolicy, attempt: number): number {
  const doubled = policy.backoffMs * 2 ** Math.min(Math.max(0, attempt - 1), 30);
  return Math.min(doubled, policy.maxBackoffMs);
}

import assert from "node:assert/strict";
import { it } from "node:test";
import { defaultRetryPolicy, resolveRetryPolicy, retryDelay } from "./backoff.ts";

it("doubles the delay after each failed attempt up to the cap", () => {
  const policy = resolveRetryPolicy({ backoffMs: 100, maxBackoffMs: 500 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 60].map((attempt) => retryDelay(policy, attempt)),
    [100, 200, 400, 500, 500, 500],
  );
});

it("fills in defaults and ignores values that make no sense", () => {
  assert.deepEqual(resolveRetryPolicy(), defaultRetryPolicy);
  assert.deepEqual(
    resolveRetryPolicy({ maxAttempts: 0, backoffMs: -1, maxBackoffMs: Number.NaN }),
    { ...defaultRetryPolicy, maxAttempts: 1 },
  );
  assert.equal(resolveRetryPolicy({ maxAttempts: 2.7 }).maxAttempts, 2);
});

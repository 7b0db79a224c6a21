import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Whether this run is CI (`CI=true` or `CI=1`): there, nothing may be skipped. */
export function inCi(): boolean {
  return /^(true|1)$/i.test(process.env.CI ?? "");
}

/**
 * A skip reason as it may be used: outside CI the reason itself (the test says why it skips);
 * in CI an error, so that a missing server or reference folder fails the run instead of
 * quietly skipping its tests.
 */
export function skipOutsideCi(reason: string | undefined): string | undefined {
  if (reason !== undefined && inCi())
    throw new Error(`CI=true, so this cannot be skipped: ${reason}`);
  return reason;
}

/** The shared reference folder (`../shared` beside the checkout; `LORASTACK_SHARED_DIR` overrides). */
export function sharedDirectory(): string {
  const override = process.env.LORASTACK_SHARED_DIR;
  if (override) return override.endsWith("/") ? override : `${override}/`;
  return fileURLToPath(new URL("../../../shared/", import.meta.url));
}

/** A path inside the shared reference folder. */
export function sharedPath(relative: string): string {
  return `${sharedDirectory()}${relative}`;
}

/**
 * Why tests reading a shared reference file or folder cannot run, or `undefined` when they
 * can; throws in CI, where ../shared is always present.
 */
export function sharedSkipReason(relative: string): string | undefined {
  const path = sharedPath(relative);
  return skipOutsideCi(
    existsSync(path) ? undefined : `reference data not found at ${path} (../shared is absent)`,
  );
}

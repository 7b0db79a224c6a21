/** What {@link until} waits with. */
export interface UntilOptions {
  /** Named in the timeout's error: `timed out waiting for <what>`. */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** A check that throws counts as not yet (e.g. an API that is not up). */
  ignoreErrors?: boolean;
}

/** Polls `check` until it answers something other than `undefined`, or throws at the timeout. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  options: UntilOptions = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await (options.ignoreErrors ? check().catch(() => undefined) : check());
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(options.what ? `timed out waiting for ${options.what}` : "timed out");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

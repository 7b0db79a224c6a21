/**
 * The re-wrap of a registry's stored keys after a KEK rotation, run in the background after a
 * component starts: keys under the old KEK stay readable meanwhile, so nothing waits for it.
 * The result is logged; the returned promise never rejects.
 */
import type { Logger } from "../log/logger.ts";

export function rewrapInBackground(options: {
  rewrap: (options: { signal: AbortSignal }) => Promise<number>;
  kekLabel: string;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { logger, kekLabel } = options;
  return options.rewrap({ signal: options.signal }).then(
    (changed) => {
      if (changed > 0) logger.info({ changed, kek_label: kekLabel }, "re-wrapped stored keys");
    },
    (error: unknown) =>
      logger.error({ err: error, kek_label: kekLabel }, "re-wrapping stored keys failed"),
  );
}

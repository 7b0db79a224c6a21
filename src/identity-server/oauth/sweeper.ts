import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { deleteExpiredOAuthArtifacts } from "./adapter.ts";
import type { InteractionBounds } from "./interactions.ts";

export interface OAuthSweeperOptions {
  db: Kysely<DatabaseSchema>;
  /** Time between the end of one sweep and the start of the next. */
  intervalMs: number;
  /** Also trims interactions to their global cap. */
  interactions?: InteractionBounds;
  now?: () => Date;
  /** Told how many artifacts each sweep removed. */
  onSwept?: (count: number) => void;
  /** Told of a failed sweep (the next one runs as planned). */
  onError?: (error: unknown) => void;
}

export interface OAuthSweeper {
  /** Sweeps now (after the sweep under way, if any); resolves to how many rows went. */
  sweep(): Promise<number>;
  /** Stops sweeping; resolves once a sweep under way has finished. */
  stop(): Promise<void>;
}

/**
 * Deletes expired OAuth artifacts (sessions, interactions, grants, codes, tokens) now and
 * every `intervalMs`. Every instance of a cluster may sweep: deleting what is already gone is
 * harmless. The timer does not keep the process alive.
 */
export function startOAuthSweeper(options: OAuthSweeperOptions): OAuthSweeper {
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);

  const sweepOnce = async (): Promise<number> => {
    const removed =
      (await deleteExpiredOAuthArtifacts(options.db, now())) +
      ((await options.interactions?.trimAll()) ?? 0);
    options.onSwept?.(removed);
    return removed;
  };

  const sweep = (): Promise<number> => {
    running = running.catch(() => 0).then(sweepOnce);
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };

  sweep()
    .catch((error: unknown) => options.onError?.(error))
    .finally(schedule);

  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => 0);
    },
  };
}

/**
 * The worker thread that runs callers' `/regular expressions/` against the defined event names.
 * A regular expression can backtrack for seconds or forever; here it can only stall this
 * thread, which the main thread terminates when the time limit passes.
 */
import { parentPort } from "node:worker_threads";

/** A request from the main thread. */
export interface PatternJob {
  id: number;
  source: string;
  names: readonly string[];
}

/** The answer: the matching names, or why the expression does not compile. */
export type PatternResult = { id: number; matches: string[] } | { id: number; invalid: string };

/** Sent once, when the worker listens: time limits start from then, not from its start-up. */
export const readyMessage = "ready";

parentPort?.on("message", (job: PatternJob) => {
  let expression: RegExp;
  try {
    expression = new RegExp(job.source);
  } catch (error) {
    parentPort?.postMessage({ id: job.id, invalid: (error as Error).message });
    return;
  }
  parentPort?.postMessage({
    id: job.id,
    matches: job.names.filter((name) => expression.test(name)),
  } satisfies PatternResult);
});

parentPort?.postMessage(readyMessage);

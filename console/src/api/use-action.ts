import { useCallback, useState } from "react";

export interface ActionState {
  /** The action is running (for a button's `loading`). */
  busy: boolean;
  /** The last run's error, until the next run. */
  error?: unknown;
  /** The last run succeeded (for a "Saved" note), until the next run or `reset`. */
  done: boolean;
}

/**
 * The state of a form's or a button's async action: busy while it runs, its error kept for an
 * `ErrorAlert`, or done. `run` resolves whether the action succeeded; it never rejects.
 */
export function useAction(): ActionState & {
  run(action: () => Promise<unknown>): Promise<boolean>;
  reset(): void;
} {
  const [state, setState] = useState<ActionState>({ busy: false, done: false });
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setState({ busy: true, done: false });
    try {
      await action();
      setState({ busy: false, done: true });
      return true;
    } catch (error) {
      setState({ busy: false, done: false, error });
      return false;
    }
  }, []);
  const reset = useCallback(() => setState({ busy: false, done: false }), []);
  return { ...state, run, reset };
}

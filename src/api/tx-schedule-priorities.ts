/**
 * The Things Stack's `TxSchedulePriority` names, in the enum's order (0 = LOWEST … 6 =
 * HIGHEST). No imports of its own: the CLI loads it for `--priority` without loading any of
 * the servers.
 */
export const txSchedulePriorities = [
  "LOWEST",
  "LOW",
  "BELOW_NORMAL",
  "NORMAL",
  "ABOVE_NORMAL",
  "HIGH",
  "HIGHEST",
] as const;

export type TxSchedulePriority = (typeof txSchedulePriorities)[number];

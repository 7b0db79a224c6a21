/** The priorities of The Things Stack's `TxSchedulePriority`. */
export const priorities = [
  "LOWEST",
  "LOW",
  "BELOW_NORMAL",
  "NORMAL",
  "ABOVE_NORMAL",
  "HIGH",
  "HIGHEST",
] as const;

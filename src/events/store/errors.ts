import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("events/store");

/** The SQLite history file could not be opened or its writer thread did not start. */
export const errHistoryUnavailable = errors.unavailable(
  "history_unavailable",
  "event history is unavailable: {reason}",
);
/** The history writer thread stopped while the store was open; history writes are dropped. */
export const errHistoryWriterStopped = errors.unavailable(
  "history_writer_stopped",
  "the event history writer stopped: {reason}",
);
/** The main SQLite database has no file (in memory), so history has no file beside it. */
export const errNoDatabaseFile = errors.failedPrecondition(
  "no_database_file",
  "the SQLite database has no file to keep event history beside",
);

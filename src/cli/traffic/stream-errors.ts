import { errorNamespace } from "../../errors/index.ts";

/** What ends an events stream at run time: `lorastack` exits 1 for these. */
const errors = errorNamespace("cli/events");

/** The server ended the stream, or the connection broke, while the command still listened. */
export const errStreamLost = errors.unavailable(
  "stream_lost",
  "the events stream from {server} ended: {reason} (--reconnect keeps following)",
);

/** The stream ended with The Things Stack's error line. */
export const errStreamError = errors.unknown(
  "stream_error",
  "{message}\n  error: {error_name}\n  correlation id: {correlation_id}",
);

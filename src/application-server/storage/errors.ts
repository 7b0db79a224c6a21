import { errorNamespace } from "../../errors/index.ts";

// The storage integration's errors, named as The Things Stack names its package's.
const errors = errorNamespace("applicationserver/io/packages/storage");

export const errInvalidRequest = errors.invalidArgument(
  "invalid_request",
  "invalid `{field}`: {reason}",
);
/** TTS pages with continuation tokens; here a query streams every match at once. */
export const errContinuationToken = errors.unimplemented(
  "continuation_token",
  "continuation tokens are not supported: one request streams every matching message",
);

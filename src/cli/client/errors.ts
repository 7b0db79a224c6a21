import { errorNamespace } from "../../errors/index.ts";

/** What went wrong talking to the server: `lorastack` exits 1 for these. */
const errors = errorNamespace("cli/client");

/** No API key for the server: neither LORASTACK_API_KEY nor a stored login. */
export const errNoCredentials = errors.unauthenticated(
  "no_credentials",
  "no credentials for {server}: run `lorastack login --server {server} --api-key -` " +
    "(reads the key from stdin) or set LORASTACK_API_KEY",
);

/** The server did not answer. */
export const errUnreachable = errors.unavailable(
  "server_unreachable",
  "can not reach {server}: {reason}",
);

/**
 * An error answer of the API, as The Things Stack writes it: its message, the error's
 * `namespace:name` and the correlation id to look for in the server's logs.
 */
export const errApi = errors.unknown(
  "api_error",
  "{message}\n  error: {error_name}\n  correlation id: {correlation_id}",
);

/** An answer that is not The Things Stack's JSON. */
export const errUnexpectedAnswer = errors.unknown(
  "unexpected_answer",
  "{method} {path}: HTTP {status}: {body}",
);

/** The credentials file exists but can not be read as ours. */
export const errCredentialsFile = errors.dataLoss(
  "credentials_file",
  "can not read the credentials file {path}: {reason}",
);

import { errorNamespace } from "../../errors/index.ts";

/** What went wrong talking to the server: `lorastack` exits 1 for these. */
const errors = errorNamespace("cli/client");

/** No API key for the server: neither LORASTACK_API_KEY nor a stored login. */
export const errNoCredentials = errors.unauthenticated(
  "no_credentials",
  "no credentials for {server}: run `lorastack login --server {server}` (OAuth, in a browser), " +
    "`lorastack login --server {server} --api-key -` (reads the key from stdin) or set LORASTACK_API_KEY",
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

/** Another CLI process holds the credentials file's lock for too long. */
export const errLocked = errors.unavailable(
  "credentials_locked",
  "the credentials file is locked by another lorastack process ({path}); remove the lock file " +
    "if no other lorastack command runs",
);

/** The OAuth server answered an OAuth error (RFC 6749 5.2) or The Things Stack's error JSON. */
export const errOAuthRefused = errors.unauthenticated(
  "oauth_refused",
  "the OAuth server refused the request: {error}: {description}",
);

/** What answers at the OAuth server's address is not an OAuth server we can use. */
export const errOAuthServer = errors.unknown(
  "oauth_server",
  "{url} is not a usable OAuth server: {reason}",
);

/** An OAuth login whose access token expired and can not be renewed. */
export const errOAuthSessionEnded = errors.unauthenticated(
  "oauth_session_ended",
  "the OAuth login to {server} can not be renewed ({reason}): run `lorastack login --server {server}` again",
);

/** The browser came back to the local callback with an error instead of a code. */
export const errOAuthDenied = errors.permissionDenied(
  "oauth_denied",
  "the authorization was not given: {error}: {description}",
);

/** No authorization arrived in time, or no code was pasted. */
export const errNoAuthorization = errors.deadlineExceeded(
  "no_authorization",
  "no authorization: {reason}",
);

import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/api-keys");

/** A bearer token that is not an API key of the form `NNSXS.<ID>.<SECRET>`. */
export const errMalformedApiKey = errors.unauthenticated(
  "malformed_api_key",
  "malformed API key: expected NNSXS.<key ID>.<secret>",
);

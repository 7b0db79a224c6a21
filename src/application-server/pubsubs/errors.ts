import { errorNamespace } from "../../errors/index.ts";

// The pub/subs' errors, with The Things Stack's names where it has them.
const errors = errorNamespace("applicationserver/io/pubsub");

export const errPubSubNotFound = errors.notFound(
  "pub_sub_not_found",
  "pub/sub `{pub_sub_id}` of application `{application_id}` not found",
);
export const errInvalidPubSubId = errors.invalidArgument(
  "invalid_pub_sub_id",
  "invalid pub/sub ID `{pub_sub_id}`: lowercase letters, digits and single dashes, 3 to 36 characters",
);
export const errInvalidField = errors.invalidArgument(
  "invalid_field",
  "invalid `{field}`: {reason}",
);
export const errFormatNotFound = errors.notFound("format_not_found", "format `{format}` not found");
/** A provider this server does not run (NATS): refused as The Things Stack refuses a disabled one. */
export const errProviderDisabled = errors.failedPrecondition(
  "provider_disabled",
  "provider `{provider}` is disabled",
);
export const errNoProvider = errors.invalidArgument(
  "no_provider",
  "a provider is required (`mqtt`)",
);

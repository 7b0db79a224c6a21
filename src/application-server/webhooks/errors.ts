import { errorNamespace } from "../../errors/index.ts";

// The webhooks' errors, with The Things Stack's names where it has them.
const errors = errorNamespace("applicationserver/io/web");

export const errWebhookNotFound = errors.notFound(
  "webhook_not_found",
  "webhook `{webhook_id}` of application `{application_id}` not found",
);
export const errInvalidWebhookId = errors.invalidArgument(
  "invalid_webhook_id",
  "invalid webhook ID `{webhook_id}`: lowercase letters, digits and single dashes, 3 to 36 characters",
);
export const errInvalidField = errors.invalidArgument(
  "invalid_field",
  "invalid `{field}`: {reason}",
);
export const errFormatNotFound = errors.notFound("format_not_found", "format `{format}` not found");
/** A webhook over its failure threshold, inside its retry interval (as TTS's `webhook_disabled`). */
export const errWebhookDisabled = errors.aborted("webhook_disabled", "webhook disabled");
export const errRequestFailed = errors.unavailable(
  "request",
  "request to `{url}` failed: {reason}",
);
export const errRequestTimeout = errors.deadlineExceeded(
  "request_timeout",
  "request to `{url}` got no answer within {timeout_ms} ms",
);
export const errStatusCode = errors.unavailable(
  "status_code",
  "request to `{url}` answered with status {status}",
);
export const errInvalidDownlinks = errors.invalidArgument(
  "invalid_downlinks",
  "invalid downlinks: {reason}",
);

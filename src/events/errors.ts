import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("events");

/** Publishing data that is not of the definition's data type (a programming error). */
export const errInvalidEventData = errors.internal(
  "invalid_event_data",
  "data of event `{name}` is not of its data type {data_type}",
);
/** Publishing through a definition that is not the registered one of its name. */
export const errUndefinedEvent = errors.internal(
  "undefined_event",
  "event `{name}` is not defined with defineEvent",
);
/** An event that arrived from another instance and could not be read. */
export const errMalformedEvent = errors.dataLoss("malformed_event", "malformed event: {reason}");
/** Identifiers of a stream request that name no entity. */
export const errInvalidIdentifiers = errors.invalidArgument(
  "invalid_identifiers",
  "`{field}` names no entity",
);
/** A stream request without identifiers (as The Things Stack: `no_identifiers`). */
export const errNoIdentifiers = errors.invalidArgument("no_identifiers", "no identifiers");
/** A `/regular expression/` name filter that does not compile. */
export const errInvalidRegexp = errors.invalidArgument(
  "invalid_regexp",
  "invalid regexp `{regexp}`: {reason}",
);
/** A name filter that matches no defined event. */
export const errNoMatchingEvents = errors.invalidArgument(
  "no_matching_events",
  "no matching events for `{pattern}`",
);
/** An exact name filter that names no defined event. */
export const errUnknownEventName = errors.invalidArgument(
  "unknown_event_name",
  "unknown event `{name}`",
);
/** A regular expression that ran out of its time limit against the defined names. */
export const errRegexpTimeout = errors.invalidArgument(
  "regexp_timeout",
  "regexp `{regexp}` took longer than {timeout_ms} ms to match the event names",
);
/** A name filter longer than allowed. */
export const errPatternTooLong = errors.invalidArgument(
  "pattern_too_long",
  "name filter `{pattern}` is longer than {max} characters",
);
/** Too many regular expressions waiting to be evaluated. */
export const errPatternsBusy = errors.resourceExhausted(
  "patterns_busy",
  "too many name filters are being evaluated; try again later",
);
/** A subscriber that fell so far behind that its buffer would have to drop events. */
export const errConsumerTooSlow = errors.resourceExhausted(
  "consumer_too_slow",
  "stream consumer too slow: more than {capacity} events behind",
);
/** A caller with as many streams open on this instance as allowed. */
export const errTooManyStreams = errors.resourceExhausted(
  "too_many_streams",
  "too many event streams open for this caller (at most {max})",
);
/** Event history asked for while the event store is off (The Things Stack's name). */
export const errStorageDisabled = errors.failedPrecondition(
  "storage_disabled",
  "events storage is not enabled",
);
/** A `FindRelated` correlation id that is empty or too long. */
export const errInvalidCorrelationId = errors.invalidArgument(
  "invalid_correlation_id",
  "`correlation_id` must be 1 to {max} characters",
);
/** `events.store.backend: redis` without a Redis to keep history in. */
export const errStoreNeedsRedis = errors.invalidArgument(
  "store_needs_redis",
  "events.store.backend is `redis`, but redis.uri is not set",
);

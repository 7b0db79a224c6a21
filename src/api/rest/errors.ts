import { errorNamespace } from "../../errors/index.ts";

const define = errorNamespace("api/rest");

/** The request body is not valid JSON. */
export const errMalformedJson = define.invalidArgument(
  "malformed_json",
  "request body is not valid JSON: {reason}",
);

/** A JSON value has the wrong type or is out of range for its field. */
export const errInvalidFieldValue = define.invalidArgument(
  "invalid_field_value",
  "invalid value for field `{field}`: {reason}",
);

/** A field marked `(lorastack.options.hex)` holds something other than hexadecimal bytes. */
export const errInvalidHex = define.invalidArgument(
  "invalid_hex",
  "invalid value for field `{field}`: expected hexadecimal bytes such as `70B3D57ED0000000`",
);

/** The service has an HTTP binding for the method but no implementation of it. */
export const errNotImplemented = define.unimplemented(
  "not_implemented",
  "method `{method}` is not implemented",
);

/** A streaming response whose client read nothing for too long. */
export const errConsumerStalled = define.resourceExhausted(
  "consumer_stalled",
  "stream consumer too slow: nothing read for {timeout}",
);

import { errorNamespace } from "../errors/index.ts";

// The Application Server's errors, with The Things Stack's names where it has them.
const errors = errorNamespace("applicationserver");

export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "end device `{application_id}.{device_id}` not found in the Application Server",
);
export const errLinkNotFound = errors.notFound(
  "link_not_found",
  "link of application `{application_id}` not found",
);
export const errInvalidFieldValue = errors.invalidArgument(
  "invalid_field_value",
  "invalid value of field `{field}`",
);
/** A payload formatter script longer than `as.formatters.max_parameter_length`. */
export const errFormatterScriptTooLarge = errors.invalidArgument(
  "formatter_script_too_large",
  "`{field}` is {size} bytes, more than the {max_size} allowed",
);
/** A field mask that names a field a Set may not change after creation. */
export const errInvalidFieldMask = errors.invalidArgument(
  "invalid_field_mask",
  "invalid field mask: {reason} `{fields}`",
);
export const errNoKek = errors.failedPrecondition(
  "no_kek",
  "the key vault holds no key encryption key `{label}` to wrap AppSKeys at rest",
);

export { errForbiddenFieldMaskPaths } from "../api/validator-errors.ts";

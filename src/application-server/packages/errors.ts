import { errorNamespace } from "../../errors/index.ts";

// The application packages' errors, with The Things Stack's names where it has them.
const errors = errorNamespace("applicationserver/io/packages");

/** A package name this Application Server does not implement (TTS's name and message). */
export const errPackageNotImplemented = errors.unimplemented(
  "package_not_implemented",
  "package `{name}` is not implemented",
);
export const errAssociationNotFound = errors.notFound(
  "association_not_found",
  "association on FPort {f_port} of end device `{device_id}` of application `{application_id}` not found",
);
export const errDefaultAssociationNotFound = errors.notFound(
  "default_association_not_found",
  "default association on FPort {f_port} of application `{application_id}` not found",
);
export const errInvalidField = errors.invalidArgument(
  "invalid_field",
  "invalid `{field}`: {reason}",
);

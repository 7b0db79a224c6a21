import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("config");

/** The configuration is invalid; `details` names each bad key, its value and what was expected. */
export const errInvalidConfiguration = errors.invalidArgument(
  "invalid_configuration",
  "invalid configuration: {details}",
);

/** The configuration file cannot be read or parsed. */
export const errConfigFile = errors.invalidArgument(
  "config_file",
  "configuration file {file}: {reason}",
);

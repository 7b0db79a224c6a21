import { errorNamespace } from "../../errors/index.ts";

/** Mistakes in what the operator typed for end devices: exit 2, before any call. */
const usage = errorNamespace("cli");

/** A key or DevAddr that is not the right number of hex digits. */
export const errHexBytes = usage.invalidArgument(
  "invalid_hex_bytes",
  "invalid --{flag} `{value}`: use {digits} hex digits",
);

/** A LoRaWAN or regional parameters version the API does not know. */
export const errVersion = usage.invalidArgument(
  "invalid_version",
  "invalid --{flag} `{value}`: use one of {allowed}",
);

/** A field selector or path that no registry keeps. */
export const errUnknownField = usage.invalidArgument(
  "unknown_device_field",
  "`{path}` is no end device field the CLI can route to a registry",
);

/** `--abp` and `--otaa` together, or a key flag that does not fit the activation. */
export const errActivation = usage.invalidArgument("activation_conflict", "{reason}");

/** An import file that cannot be read as CSV, JSON lines or a JSON array. */
export const errImportFile = usage.invalidArgument("import_file", "{path}: {reason}");

/** What went wrong at run time: exit 1. */
const failures = errorNamespace("cli/devices");

/** An import that created some devices and failed others (each listed before). */
export const errImportFailed = failures.aborted(
  "import_failed",
  "{failed} of {total} end devices were not imported",
);

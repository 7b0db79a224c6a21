import { errorNamespace } from "../../errors/index.ts";

/**
 * Mistakes in what the operator typed for the traffic commands (downlinks, simulated uplinks,
 * integrations, gateway traffic, events): `lorastack` exits 2 for these, before any call.
 */
const errors = errorNamespace("cli/traffic");

/** Bytes given as something other than hex digits. */
export const errHex = errors.invalidArgument(
  "invalid_hex",
  "invalid --{flag} `{value}`: use hex digits (01020304)",
);

/** An FPort outside 1–255 or not a number. */
export const errFPort = errors.invalidArgument(
  "invalid_f_port",
  "invalid --f-port `{value}`: use a whole number from 1 to 255",
);

/** A value outside the flag's table (`--priority`, `--format`, QoS, ...). */
export const errChoice = errors.invalidArgument(
  "invalid_choice",
  "invalid --{flag} `{value}`: use one of {choices}",
);

/** `--decoded-payload` that is not a JSON object. */
export const errJsonObject = errors.invalidArgument(
  "invalid_json_object",
  "invalid --{flag}: {reason}; give a JSON object ('{\"temperature\": 21.5}')",
);

/** A header or other map entry that is not `key=value`. */
export const errKeyValue = errors.invalidArgument(
  "invalid_key_value",
  "invalid --{flag} `{value}`: use key=value",
);

/** `--end-device-id` of `events` that is not `application-id/device-id`. */
export const errEndDeviceRef = errors.invalidArgument(
  "invalid_end_device_id",
  "invalid --end-device-id `{value}`: use application-id/device-id",
);

/** A downlink or simulated uplink without anything to send. */
export const errNoPayload = errors.invalidArgument(
  "no_payload",
  "give --frm-payload (hex) or --decoded-payload (JSON)",
);

/** `events` without an entity to follow. */
export const errNoEntities = errors.invalidArgument(
  "no_entities",
  "give at least one entity: --application-id, --gateway-id, --end-device-id app/dev, " +
    "--organization-id, --user-id or --client-id",
);

/** A whole-number flag out of its range. */
export const errRange = errors.invalidArgument(
  "invalid_range",
  "invalid --{flag} `{value}`: use a whole number from {min} to {max}",
);

/** `--output` that names a file that can not be written. */
export const errOutputFile = errors.invalidArgument(
  "output_file",
  "can not write --output {path}: {reason}",
);

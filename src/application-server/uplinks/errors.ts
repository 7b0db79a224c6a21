import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("application-server/uplinks");

export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "end device `{application_id}.{device_id}` not found on the Application Server",
);
export const errNoAppSKey = errors.failedPrecondition(
  "no_app_s_key",
  "no AppSKey for session key ID `{session_key_id}`",
);
export const errDecodeUplink = errors.invalidArgument(
  "decode_uplink",
  "the uplink decoder failed: {errors}",
);
export const errNormalizeUplink = errors.invalidArgument(
  "normalize_uplink",
  "the uplink normalizer failed: {errors}",
);

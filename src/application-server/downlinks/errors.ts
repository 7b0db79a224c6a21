import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("application-server/downlinks");

export const errDeviceNotFound = errors.notFound(
  "device_not_found",
  "end device `{application_id}.{device_id}` not found on the Application Server",
);
export const errNoSession = errors.failedPrecondition(
  "no_session",
  "end device `{application_id}.{device_id}` has no session: it has not joined yet",
);
export const errNoAppSKey = errors.failedPrecondition(
  "no_app_s_key",
  "no AppSKey for session key ID `{session_key_id}`",
);
export const errEncodeDownlink = errors.invalidArgument(
  "encode_downlink",
  "the downlink encoder failed: {errors}",
);
export const errNoPayload = errors.invalidArgument(
  "no_payload",
  "the downlink has neither frm_payload nor decoded_payload",
);
export const errDecodeDownlink = errors.invalidArgument(
  "decode_downlink",
  "the downlink decoder failed: {errors}",
);

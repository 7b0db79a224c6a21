/**
 * The fields of `EndDevice` the Application Server stores (see the comments in
 * end_device.proto), top-level paths: everything else of a device is another registry's. Of
 * a session's keys only the session key ID and the AppSKey are the Application Server's.
 */
export const applicationServerFields: readonly string[] = [
  "ids",
  "created_at",
  "updated_at",
  "version_ids",
  "formatters",
  "session",
  "pending_session",
  "skip_payload_crypto",
  "skip_payload_crypto_override",
  "locations",
  "attributes",
];

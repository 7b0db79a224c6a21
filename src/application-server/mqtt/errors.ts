import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("applicationserver/io/mqtt");

/** The username is not an application ID, nor `{application_id}@{tenant_id}`. */
export const errInvalidUsername = errors.invalidArgument(
  "invalid_username",
  "username `{username}` is not an application ID or `{application_id}@{tenant_id}`",
);
/** The username names a tenant that this deployment does not serve. */
export const errUnknownTenant = errors.notFound("unknown_tenant", "tenant `{tenant_id}` not found");
/** The connection carried no password (an API key). */
export const errNoPassword = errors.unauthenticated("no_password", "no password (API key) given");
/** The key has rights on the application, but neither traffic right. */
export const errNoTrafficRights = errors.permissionDenied(
  "no_traffic_rights",
  "no rights to read or write traffic of application `{application_id}`",
);
/** The payload of a `down/push` or `down/replace` message is not TTS's JSON of downlinks. */
export const errInvalidDownlinks = errors.invalidArgument(
  "invalid_downlinks",
  "invalid downlinks on `{topic}`: {reason}",
);

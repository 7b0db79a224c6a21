/**
 * Who an MQTT connection is: the application named by its username, checked against the
 * rights its password (an API key) holds, as The Things Stack's Application Server does.
 */

import { errNoRights } from "../../auth/index.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { DefinedError, type ErrorCode } from "../../errors/index.ts";
import {
  errInvalidUsername,
  errNoPassword,
  errNoTrafficRights,
  errUnknownTenant,
} from "./errors.ts";

/** The only tenant of a single-tenant deployment, as on The Things Network. */
export const defaultTenantId = "ttn";

const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

/** Whether `id` is an application or device ID by The Things Stack's rule. */
export function isId(id: string): boolean {
  return id.length <= 36 && idPattern.test(id);
}

/** The application a username names, and the form (`app1` or `app1@ttn`) of its topics. */
export interface MqttUsername {
  applicationId: string;
  /** The application as the client's topics name it: the username as given. */
  uid: string;
}

/** Parses `{application_id}` or `{application_id}@{tenant_id}`; only `tenantId` is served. */
export function parseUsername(username: string, tenantId = defaultTenantId): MqttUsername {
  const at = username.indexOf("@");
  const applicationId = at < 0 ? username : username.slice(0, at);
  if (!isId(applicationId)) throw errInvalidUsername.create({ username });
  if (at >= 0 && username.slice(at + 1) !== tenantId)
    throw errUnknownTenant.create({ tenant_id: username.slice(at + 1) });
  return { applicationId, uid: username };
}

/** What an authenticated client may do with its application's traffic. */
export interface MqttAccess {
  applicationId: string;
  uid: string;
  /** `RIGHT_APPLICATION_TRAFFIC_READ`: subscribe to uplinks and downlink events. */
  read: boolean;
  /** `RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE`: publish to `down/push` and `down/replace`. */
  write: boolean;
  /** The `Authorization` value, to check again later whether the key still holds its rights. */
  authorization: string;
}

const readRight: RightName = "RIGHT_APPLICATION_TRAFFIC_READ";
const writeRight: RightName = "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE";

/**
 * Authenticates a CONNECT: the username's application, the password's rights on it. Throws
 * typed errors: invalid username or unknown tenant, the auth errors of an unknown or expired
 * key, `no_rights` when the key has no rights on the application, `no_traffic_rights` when it
 * has neither traffic right (such a connection could neither read nor write anything).
 */
export async function authenticateConnection(
  rights: RightsFetcher,
  username: string | undefined,
  password: Buffer | undefined,
  tenantId?: string,
): Promise<MqttAccess> {
  const { applicationId, uid } = parseUsername(username ?? "", tenantId);
  if (!password || password.length === 0) throw errNoPassword.create();
  const authorization = `Bearer ${password.toString("utf8")}`;
  const held = await rights.rightsOn(authorization, { kind: "application", id: applicationId });
  if (held.size === 0)
    throw errNoRights.create({ entity_kind: "application", entity_id: applicationId });
  const access = {
    applicationId,
    uid,
    read: held.has(readRight),
    write: held.has(writeRight),
    authorization,
  };
  if (!access.read && !access.write)
    throw errNoTrafficRights.create({ application_id: applicationId });
  return access;
}

/** CONNACK return codes of MQTT 3.1.1 that a refusal is answered with. */
export const connackCodes = {
  serverUnavailable: 3,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

/**
 * The CONNACK code of a refusal, by error code: bad credentials are "bad username or password",
 * missing rights "not authorized", anything else (the Identity Server unreachable, an
 * unexpected failure) "server unavailable".
 */
const connackCodeByError: Partial<Record<ErrorCode, number>> = {
  unauthenticated: connackCodes.badUsernameOrPassword,
  invalid_argument: connackCodes.badUsernameOrPassword,
  not_found: connackCodes.badUsernameOrPassword,
  permission_denied: connackCodes.notAuthorized,
};

/** The CONNACK return code that answers a failed {@link authenticateConnection}. */
export function connackCodeOf(error: unknown): number {
  const code = error instanceof DefinedError ? connackCodeByError[error.code] : undefined;
  return code ?? connackCodes.serverUnavailable;
}

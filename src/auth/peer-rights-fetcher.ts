import type { Peer } from "../cluster/peer.ts";
import { ApplicationAccess } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientAccess } from "../gen/ttn/lorawan/v3/client_services_pb.js";
import { GatewayAccess } from "../gen/ttn/lorawan/v3/gateway_services_pb.js";
import type { EntityIdentifiers } from "../gen/ttn/lorawan/v3/identifiers_pb.js";
import { type AuthInfoResponse, EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { OrganizationAccess } from "../gen/ttn/lorawan/v3/organization_services_pb.js";
import type { Right, Rights } from "../gen/ttn/lorawan/v3/rights_pb.js";
import { UserAccess } from "../gen/ttn/lorawan/v3/user_services_pb.js";
import type { Caller } from "./caller.ts";
import type { EntityRef, EntityRefKind } from "./entity.ts";
import { errNoCredentials, errUnknownToken } from "./errors.ts";
import { expandRights, type RightName, rightByNumber } from "./rights/index.ts";
import type { AuthInfo, RightsFetcher } from "./rights-fetcher.ts";

export interface PeerRightsFetcherOptions {
  /** The Identity Server peer, looked up per call (`() => cluster.peer("is")`). */
  identityServer: () => Peer;
  /** Deadline of each call to the Identity Server. Default 10 s. */
  timeoutMs?: number;
}

type RightsKind = Exclude<EntityRefKind, "end_device">;
type ListRights = (
  peer: Peer,
  authorization: string,
  id: string,
  timeoutMs: number,
) => Promise<Rights>;

/** The `*Access.ListRights` call of each kind of entity. */
const listRights: Record<RightsKind, ListRights> = {
  application: (peer, authorization, id, timeoutMs) =>
    peer
      .client(ApplicationAccess, { authorization })
      .listRights({ applicationId: id }, { timeoutMs }),
  gateway: (peer, authorization, id, timeoutMs) =>
    peer.client(GatewayAccess, { authorization }).listRights({ gatewayId: id }, { timeoutMs }),
  organization: (peer, authorization, id, timeoutMs) =>
    peer
      .client(OrganizationAccess, { authorization })
      .listRights({ organizationId: id }, { timeoutMs }),
  user: (peer, authorization, id, timeoutMs) =>
    peer.client(UserAccess, { authorization }).listRights({ userId: id }, { timeoutMs }),
  client: (peer, authorization, id, timeoutMs) =>
    peer.client(ClientAccess, { authorization }).listRights({ clientId: id }, { timeoutMs }),
};

/**
 * The {@link RightsFetcher} over the Identity Server peer: `EntityAccess.AuthInfo` and the
 * `*Access.ListRights` calls, with the caller's `Authorization` forwarded. In the process that
 * runs the Identity Server these are direct calls into its implementation; elsewhere gRPC calls
 * with the cluster key. The Identity Server's errors (unknown token, no rights, ...) come back
 * as the same defined errors.
 */
export function peerRightsFetcher(options: PeerRightsFetcherOptions): RightsFetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async authInfo(authorization) {
      if (authorization.trim() === "") throw errNoCredentials.create();
      const response = await options
        .identityServer()
        .client(EntityAccess, { authorization })
        .authInfo({}, { timeoutMs });
      return authInfoOf(response);
    },
    async rightsOn(authorization, entity) {
      if (authorization.trim() === "") throw errNoCredentials.create();
      const subject = rightsSubject(entity);
      const response = await listRights[subject.kind](
        options.identityServer(),
        authorization,
        subject.id,
        timeoutMs,
      );
      return rightNamesOf(response.rights);
    },
  };
}

/** The entity rights are held on: an end device's application (`<app>.<device>`). */
export function rightsSubject(entity: EntityRef): { kind: RightsKind; id: string } {
  if (entity.kind !== "end_device") return { kind: entity.kind, id: entity.id };
  const dot = entity.id.indexOf(".");
  return { kind: "application", id: dot < 0 ? entity.id : entity.id.slice(0, dot) };
}

/** The rights of an Identity Server answer by name; numbers this process does not know are left out. */
function rightNamesOf(rights: readonly Right[]): Set<RightName> {
  const names = new Set<RightName>();
  for (const number of rights) {
    const definition = rightByNumber(number);
    if (definition) names.add(definition.name);
  }
  return names;
}

/** `AuthInfoResponse` as an {@link AuthInfo}. */
export function authInfoOf(response: AuthInfoResponse): AuthInfo {
  const method = response.accessMethod;
  let caller: Caller;
  switch (method.case) {
    case "apiKey": {
      const owner = entityOf(method.value.entityIds);
      if (!owner || !method.value.apiKey) throw errUnknownToken.create();
      caller = {
        kind: "api-key",
        keyId: method.value.apiKey.id,
        owner,
        rights: rightNamesOf(method.value.apiKey.rights),
      };
      break;
    }
    case "oauthAccessToken": {
      const userId = method.value.userIds?.userId;
      if (!userId) throw errUnknownToken.create();
      caller = { kind: "user", userId, rights: rightNamesOf(method.value.rights), via: "oauth" };
      break;
    }
    case "userSession": {
      const userId = method.value.userIds?.userId;
      if (!userId) throw errUnknownToken.create();
      // A session holds every right of its user; the user's own rights bound them.
      caller = { kind: "user", userId, rights: expandRights(["RIGHT_ALL"]), via: "session" };
      break;
    }
    default:
      // Gateway tokens, or an answer without an access method: nothing this fetcher serves.
      throw errUnknownToken.create();
  }
  return {
    caller,
    isAdmin: response.isAdmin,
    universalRights: rightNamesOf(response.universalRights?.rights ?? []),
  };
}

const entityKinds: Record<
  Exclude<EntityIdentifiers["ids"]["case"], undefined>,
  (value: never) => EntityRef
> = {
  applicationIds: (ids: { applicationId: string }) => ({
    kind: "application",
    id: ids.applicationId,
  }),
  clientIds: (ids: { clientId: string }) => ({ kind: "client", id: ids.clientId }),
  deviceIds: (ids: { deviceId: string; applicationIds?: { applicationId: string } }) => ({
    kind: "end_device",
    id: `${ids.applicationIds?.applicationId ?? ""}.${ids.deviceId}`,
  }),
  gatewayIds: (ids: { gatewayId: string }) => ({ kind: "gateway", id: ids.gatewayId }),
  organizationIds: (ids: { organizationId: string }) => ({
    kind: "organization",
    id: ids.organizationId,
  }),
  userIds: (ids: { userId: string }) => ({ kind: "user", id: ids.userId }),
};

function entityOf(ids: EntityIdentifiers | undefined): EntityRef | undefined {
  const value = ids?.ids;
  if (!value?.case) return undefined;
  return entityKinds[value.case](value.value as never);
}

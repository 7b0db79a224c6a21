import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { principalOf } from "../../auth/authorize.ts";
import { adminRights, intersectRights } from "../../auth/rights/index.ts";
import type { EntityRef } from "../../events/index.ts";
import type { EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  AuthInfoResponseSchema,
  type EntityAccess,
} from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { callerOf, type ServiceContext } from "./context.ts";
import { rightNumbers, toTimestamp } from "./convert.ts";

function entityIdentifiers(entity: EntityRef): EntityIdentifiers["ids"] {
  switch (entity.kind) {
    case "user":
      return { case: "userIds", value: { userId: entity.id } as never };
    case "organization":
      return { case: "organizationIds", value: { organizationId: entity.id } as never };
    case "application":
      return { case: "applicationIds", value: { applicationId: entity.id } as never };
    case "gateway":
      return { case: "gatewayIds", value: { gatewayId: entity.id } as never };
    case "client":
      return { case: "clientIds", value: { clientId: entity.id } as never };
    default:
      return { case: undefined };
  }
}

/** `EntityAccess.AuthInfo` (`GET /api/v3/auth_info`): who the caller is and what it may do. */
export function entityAccessService(
  context: ServiceContext,
): Partial<ServiceImpl<typeof EntityAccess>> {
  return {
    async authInfo(_request, handler) {
      const caller = await callerOf(context, handler);
      const principal = await principalOf(caller, context.lookup);
      const admin = principal.admin;
      // What an admin holds everywhere, within what the credential carries.
      const universalRights = admin
        ? { rights: rightNumbers(intersectRights(adminRights, principal.rights)) }
        : undefined;
      if (caller.kind === "api-key") {
        const key = await context.stores.apiKeys.get(caller.keyId);
        return create(AuthInfoResponseSchema, {
          accessMethod: {
            case: "apiKey",
            value: {
              apiKey: {
                id: key.keyId,
                name: key.name ?? "",
                rights: rightNumbers(key.rights),
                createdAt: toTimestamp(key.createdAt),
                updatedAt: toTimestamp(key.updatedAt),
                expiresAt: toTimestamp(key.expiresAt),
              },
              entityIds: { ids: entityIdentifiers(caller.owner) },
            },
          },
          universalRights,
          isAdmin: admin,
        });
      }
      // A user's OAuth token or Console session: who it is, and the rights the token grants.
      const userIds = { userId: caller.userId } as never;
      return create(AuthInfoResponseSchema, {
        accessMethod:
          caller.via === "oauth"
            ? {
                case: "oauthAccessToken",
                value: { userIds, rights: rightNumbers(caller.rights) },
              }
            : { case: "userSession", value: { userIds } },
        universalRights,
        isAdmin: admin,
      });
    },
  };
}

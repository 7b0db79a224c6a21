import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import type { Caller } from "../../auth/caller.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  OAuthAccessTokenSchema,
  OAuthAccessTokensSchema,
  OAuthClientAuthorizationSchema,
  OAuthClientAuthorizationsSchema,
} from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { oauthTokenDeletedEvent } from "../events.ts";
import type { OAuthAuthorizations, OAuthTokenRecord } from "../oauth/index.ts";
import { errNotFound } from "../store/index.ts";
import { authorize, callerOf, type ServiceContext } from "./context.ts";
import { errMissingField, rightNumbers, toTimestamp } from "./convert.ts";
import { errInvalidOrder } from "./order.ts";

const errors = errorNamespace("identity-server/services/oauth-authorizations");
/** DeleteToken named a token of another user or client than the path does. */
export const errAccessTokenMismatch = errors.invalidArgument(
  "access_token_mismatch",
  "access token ID did not match user or client identifiers",
);

const userRef = (id: string) => ({ kind: "user" as const, id });

/** `order` of these lists: by creation time only, as in The Things Stack. */
function descendingOf(order: string): boolean {
  if (order === "" || order === "created_at") return false;
  if (order === "-created_at") return true;
  throw errInvalidOrder.create({ order, allowed: "created_at, -created_at" });
}

function required(value: string | undefined, field: string): string {
  if (!value) throw errMissingField.create({ field });
  return value;
}

/**
 * The Identity Server's OAuthAuthorizationRegistry: the OAuth clients a user has authorized
 * and their access tokens, read from and revoked in the OAuth server's storage (paged in SQL).
 * Managing them needs `RIGHT_USER_AUTHORIZED_CLIENTS` on the user; an access token may also
 * list and revoke the tokens of its own authorization. The rights of an authorization and its
 * tokens are its client's rights, which bound every token issued to it. Tokens are listed by
 * the ID they are stored under (a hash), never by their value.
 */
export function oauthAuthorizationRegistry(
  context: ServiceContext,
  authorizations: OAuthAuthorizations,
): ServiceImpl<typeof OAuthAuthorizationRegistry> {
  const { stores, events } = context;

  /** The rights of each client, as enum numbers; a client gone has none. */
  async function clientRights(clientIds: readonly string[]): Promise<Map<string, Right[]>> {
    const distinct = [...new Set(clientIds)];
    if (distinct.length === 0) return new Map();
    const { items } = await stores.clients.list({ ids: distinct, includeDeleted: true });
    return new Map(items.map((client) => [client.clientId, rightNumbers(client.rights ?? [])]));
  }

  /** The caller's own token record when it authenticated with an OAuth access token. */
  async function ownToken(
    caller: Caller,
    handler: HandlerContext,
  ): Promise<OAuthTokenRecord | undefined> {
    if (caller.kind !== "user" || caller.via !== "oauth") return undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(handler.requestHeader.get("authorization") ?? "");
    return bearer?.[1] ? authorizations.tokenOfBearer(bearer[1]) : undefined;
  }

  /** Lets through the authorization's own tokens, and whoever manages the user's clients. */
  async function authorizeTokens(
    handler: HandlerContext,
    userId: string,
    clientId: string,
  ): Promise<OAuthTokenRecord | undefined> {
    const caller = await callerOf(context, handler);
    const own = await ownToken(caller, handler);
    if (own?.userId === userId && own.clientId === clientId) return own;
    await authorize(context, handler, userRef(userId), ["RIGHT_USER_AUTHORIZED_CLIENTS"]);
    return undefined;
  }

  const publishDeleted = (userId: string, clientId: string) =>
    events.publish(oauthTokenDeletedEvent, {
      identifiers: [userRef(userId), { kind: "client", id: clientId }],
    });

  return {
    async list(request, handler) {
      const userId = required(request.userIds?.userId, "user_ids.user_id");
      const descending = descendingOf(request.order);
      const paging = requestedPage(request);
      await authorize(context, handler, userRef(userId), ["RIGHT_USER_AUTHORIZED_CLIENTS"]);
      const page = await authorizations.listAuthorizations(userId, { ...paging, descending });
      const rights = await clientRights(page.items.map((item) => item.clientId));
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(OAuthClientAuthorizationsSchema, {
        authorizations: page.items.map((item) =>
          create(OAuthClientAuthorizationSchema, {
            userIds: { userId },
            clientIds: { clientId: item.clientId },
            rights: rights.get(item.clientId) ?? [],
            createdAt: toTimestamp(item.createdAt),
            updatedAt: toTimestamp(item.updatedAt),
          }),
        ),
      });
    },

    async listTokens(request, handler) {
      const userId = required(request.userIds?.userId, "user_ids.user_id");
      const clientId = required(request.clientIds?.clientId, "client_ids.client_id");
      const descending = descendingOf(request.order);
      const paging = requestedPage(request);
      await authorizeTokens(handler, userId, clientId);
      const page = await authorizations.listTokens(userId, clientId, { ...paging, descending });
      const rights = (await clientRights([clientId])).get(clientId) ?? [];
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(OAuthAccessTokensSchema, {
        tokens: page.items.map((token) =>
          create(OAuthAccessTokenSchema, {
            userIds: { userId },
            clientIds: { clientId },
            id: token.id,
            rights,
            createdAt: toTimestamp(token.createdAt),
            expiresAt: toTimestamp(token.expiresAt),
          }),
        ),
      });
    },

    async delete(request, handler) {
      const userId = required(request.userIds?.userId, "user_ids.user_id");
      const clientId = required(request.clientIds?.clientId, "client_ids.client_id");
      await authorize(context, handler, userRef(userId), ["RIGHT_USER_AUTHORIZED_CLIENTS"]);
      if (!(await authorizations.deleteAuthorization(userId, clientId))) {
        throw errNotFound.create({
          kind: "OAuth authorization",
          id: `of client ${clientId} by user ${userId}`,
        });
      }
      publishDeleted(userId, clientId);
      return {};
    },

    async deleteToken(request, handler) {
      const userId = required(request.userIds?.userId, "user_ids.user_id");
      const clientId = required(request.clientIds?.clientId, "client_ids.client_id");
      const id = required(request.id, "id");
      const own = await authorizeTokens(handler, userId, clientId);
      const token = own?.id === id ? own : await authorizations.token(id);
      if (!token) throw errNotFound.create({ kind: "OAuth access token", id });
      if (token.userId !== userId || token.clientId !== clientId)
        throw errAccessTokenMismatch.create();
      await authorizations.deleteToken(token);
      publishDeleted(userId, clientId);
      return {};
    },
  };
}

/** Serves the OAuthAuthorizationRegistry on the API. */
export function registerOAuthAuthorizationServices(
  api: ApiRegistry,
  services: ServiceContext,
  authorizations: OAuthAuthorizations,
): void {
  api.register(OAuthAuthorizationRegistry, oauthAuthorizationRegistry(services, authorizations));
}

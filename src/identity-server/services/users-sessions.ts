import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { UserSessionsSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { UserSessionRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";
import { errInvalidOrder } from "./order.ts";

const orders: Record<string, boolean> = { "": false, created_at: false, "-created_at": true };

function userIdOf(ids: { userId: string } | undefined): string {
  if (!ids?.userId) throw errMissingField.create({ field: "user_ids.user_id" });
  return ids.userId;
}

/**
 * The UserSessionRegistry service: a user's sign-in sessions of the OAuth server (the
 * Console's), listed and ended, with all rights on the user (`RIGHT_USER_ALL`, as in The Things
 * Stack). A session's ID is its UID, never its cookie value; ending it signs that browser out.
 */
export function userSessionRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof UserSessionRegistry>> {
  const ref = (id: string) => ({ kind: "user" as const, id });
  return {
    async list(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_ALL"]);
      const descending = orders[request.order];
      if (descending === undefined)
        throw errInvalidOrder.create({ order: request.order, allowed: "created_at, -created_at" });
      const page = await context.stores.sessions.list(userId, {
        ...requestedPage(request),
        descending,
      });
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(UserSessionsSchema, {
        sessions: page.items.map((session) => ({
          userIds: { userId },
          sessionId: session.sessionId,
          createdAt: toTimestamp(session.createdAt),
          updatedAt: toTimestamp(session.updatedAt),
          expiresAt: toTimestamp(session.expiresAt),
        })),
      });
    },

    async delete(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_ALL"]);
      if (!request.sessionId) throw errMissingField.create({ field: "session_id" });
      await context.stores.sessions.delete(userId, request.sessionId);
      return {};
    },
  };
}

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type EntityIdentifiers,
  EntityIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type UserBookmark,
  type UserBookmarkRegistry,
  UserBookmarkSchema,
  UserBookmarksSchema,
} from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type {
  Bookmark,
  BookmarkEntityRef,
  BookmarkKind,
  BookmarkOrderField,
} from "../store/index.ts";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";
import { errInvalidOrder } from "./order.ts";

const errors = errorNamespace("identity-server/bookmarks");
export const errUnknownEntityType = errors.invalidArgument(
  "unknown_entity_type",
  "unknown entity type `{entity_type}`; use one of {allowed}",
);
export const errBookmarksBatchSize = errors.invalidArgument(
  "too_many_entities",
  "between 1 and {max} entities, not {count}",
);

/** Entities one BatchDelete takes, as in The Things Stack. */
const maxBatch = 20;

/** The entity types of ListUserBookmarksRequest, as The Things Stack spells them. */
const entityTypes: Record<string, BookmarkKind> = {
  application: "application",
  client: "client",
  "end device": "end_device",
  gateway: "gateway",
  organization: "organization",
  user: "user",
};

const orderFields: Record<string, BookmarkOrderField> = {
  user_id: "userId",
  entity_type: "entityKind",
  entity_id: "entityId",
  created_at: "createdAt",
};

/** A bookmarked entity from its identifiers; `missing_field` when they name none. */
export function bookmarkEntity(ids: EntityIdentifiers | undefined): BookmarkEntityRef {
  const which = ids?.ids;
  const entity: BookmarkEntityRef | undefined = (() => {
    switch (which?.case) {
      case "applicationIds":
        return { kind: "application", id: which.value.applicationId };
      case "clientIds":
        return { kind: "client", id: which.value.clientId };
      case "gatewayIds":
        return { kind: "gateway", id: which.value.gatewayId };
      case "organizationIds":
        return { kind: "organization", id: which.value.organizationId };
      case "userIds":
        return { kind: "user", id: which.value.userId };
      case "deviceIds":
        return {
          kind: "end_device",
          id: which.value.applicationIds?.applicationId ?? "",
          deviceId: which.value.deviceId,
        };
      default:
        return undefined;
    }
  })();
  if (!entity?.id || (entity.kind === "end_device" && !entity.deviceId))
    throw errMissingField.create({ field: "entity_ids" });
  return entity;
}

/** The API identifiers of a bookmarked entity. */
export function bookmarkEntityIds(entity: BookmarkEntityRef): EntityIdentifiers {
  const ids = ((): MessageInitShape<typeof EntityIdentifiersSchema>["ids"] => {
    switch (entity.kind) {
      case "application":
        return { case: "applicationIds", value: { applicationId: entity.id } };
      case "client":
        return { case: "clientIds", value: { clientId: entity.id } };
      case "gateway":
        return { case: "gatewayIds", value: { gatewayId: entity.id } };
      case "organization":
        return { case: "organizationIds", value: { organizationId: entity.id } };
      case "user":
        return { case: "userIds", value: { userId: entity.id } };
      case "end_device":
        return {
          case: "deviceIds",
          value: {
            deviceId: entity.deviceId ?? "",
            applicationIds: { applicationId: entity.id },
          },
        };
    }
  })();
  return create(EntityIdentifiersSchema, { ids });
}

function toMessage(bookmark: Bookmark): UserBookmark {
  return create(UserBookmarkSchema, {
    userIds: { userId: bookmark.userId },
    entityIds: bookmarkEntityIds(bookmark.entity),
    createdAt: toTimestamp(bookmark.createdAt),
  });
}

function userIdOf(ids: { userId: string } | undefined): string {
  if (!ids?.userId) throw errMissingField.create({ field: "user_ids.user_id" });
  return ids.userId;
}

/**
 * `UserBookmarkRegistry`, as in The Things Stack: a user bookmarks entities that exist
 * (`RIGHT_USER_SETTINGS_BASIC` on the user), lists them (`RIGHT_USER_INFO`; with `deleted`,
 * those of soft-deleted entities) and deletes them, one at a time or up to 20 together.
 */
export function userBookmarkRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof UserBookmarkRegistry>> {
  const ref = (id: string) => ({ kind: "user" as const, id });
  return {
    async create(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_SETTINGS_BASIC"]);
      return toMessage(
        await context.stores.bookmarks.create(userId, bookmarkEntity(request.entityIds)),
      );
    },

    async list(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_INFO"]);
      const kinds = request.entityTypes.map((type) => {
        const kind = entityTypes[type];
        if (!kind)
          throw errUnknownEntityType.create({
            entity_type: type,
            allowed: Object.keys(entityTypes).join(", "),
          });
        return kind;
      });
      const descending = request.order.startsWith("-");
      const name = descending ? request.order.slice(1) : request.order;
      const field = request.order === "" ? undefined : orderFields[name];
      if (request.order !== "" && !field)
        throw errInvalidOrder.create({
          order: request.order,
          allowed: Object.keys(orderFields).join(", "),
        });
      const page = await context.stores.bookmarks.list(userId, {
        ...requestedPage(request),
        kinds,
        deleted: request.deleted,
        order: field ? { field, descending } : undefined,
      });
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(UserBookmarksSchema, { bookmarks: page.items.map(toMessage) });
    },

    async delete(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_SETTINGS_BASIC"]);
      await context.stores.bookmarks.delete(userId, bookmarkEntity(request.entityIds));
      return {};
    },

    async batchDelete(request, handler) {
      const userId = userIdOf(request.userIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_SETTINGS_BASIC"]);
      const count = request.entityIds.length;
      if (count < 1 || count > maxBatch)
        throw errBookmarksBatchSize.create({ max: maxBatch, count });
      await context.stores.bookmarks.deleteMany(userId, request.entityIds.map(bookmarkEntity));
      return {};
    },
  };
}

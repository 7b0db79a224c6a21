import type { NotificationReceiversTable, NotificationsTable } from "../../storage/schema.ts";
import { inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import type { Page, PageOptions } from "./types.ts";

/** The entity a notification is about; an end device is `<application_id>.<device_id>`. */
export interface NotificationEntityRef {
  kind: "user" | "organization" | "application" | "gateway" | "client" | "end_device";
  id: string;
}

export interface NewNotification {
  /** A UUID. */
  id: string;
  entity: NotificationEntityRef;
  /** `api_key_created`, `collaborator_changed`, ... */
  type: string;
  /** A `google.protobuf.Any` in binary. */
  data?: Uint8Array;
  senderId?: string;
  /** `NotificationReceiver` names: how the receivers relate to the entity. */
  receivers: readonly string[];
  /** The users who receive it (at least one). */
  receiverUserIds: readonly string[];
}

/** A notification as one of its receivers sees it. */
export interface ReceivedNotification {
  id: string;
  createdAt: Date;
  entity: NotificationEntityRef;
  type: string;
  data?: Uint8Array;
  senderId?: string;
  receivers: string[];
  /** `NOTIFICATION_STATUS_UNSEEN`, `..._SEEN` or `..._ARCHIVED`. */
  status: string;
  statusUpdatedAt?: Date;
}

export interface NotificationStore {
  /** Stores a notification and one unseen copy per receiving user, in one transaction. */
  create(notification: NewNotification): Promise<Date>;
  /** A user's notifications, newest first; only those with one of `statuses` when given. */
  list(
    userId: string,
    options?: PageOptions & { statuses?: readonly string[] },
  ): Promise<Page<ReceivedNotification>>;
  /** Sets the user's status of the notifications; IDs the user did not receive are skipped. */
  updateStatus(userId: string, ids: readonly string[], status: string): Promise<number>;
}

const unseen = "NOTIFICATION_STATUS_UNSEEN";

export function createNotificationStore(context: StoreContext): NotificationStore {
  const db = context.typed;
  return {
    async create(notification) {
      const created = context.now();
      const now = timestamp(created);
      await inTransaction(db, async (trx) => {
        await trx
          .insertInto("notifications")
          .values({
            id: notification.id,
            created_at: now,
            entity_kind: notification.entity.kind,
            entity_id: notification.entity.id,
            notification_type: notification.type,
            data: notification.data ?? null,
            sender_id: notification.senderId ?? null,
            receivers: JSON.stringify(notification.receivers),
          })
          .execute();
        const receivers = [...new Set(notification.receiverUserIds)];
        if (receivers.length === 0) return;
        await trx
          .insertInto("notification_receivers")
          .values(
            receivers.map(
              (userId): NotificationReceiversTable => ({
                user_id: userId,
                notification_id: notification.id,
                created_at: now,
                status: unseen,
                status_updated_at: null,
              }),
            ),
          )
          .execute();
      });
      return created;
    },

    async list(userId, options = {}) {
      let base = db
        .selectFrom("notification_receivers as r")
        .innerJoin("notifications as n", "n.id", "r.notification_id")
        .where("r.user_id", "=", userId);
      if (options.statuses && options.statuses.length > 0)
        base = base.where("r.status", "in", [...options.statuses]);
      const counted = await base
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      let query = base
        .selectAll("n")
        .select(["r.status", "r.status_updated_at"])
        .orderBy("r.created_at", "desc")
        .orderBy("r.notification_id", "desc");
      const window = pageWindow(options);
      if (window.limit !== undefined) query = query.limit(window.limit).offset(window.offset);
      const rows = await query.execute();
      return { items: rows.map(toReceived), total: Number(counted.count) };
    },

    async updateStatus(userId, ids, status) {
      if (ids.length === 0) return 0;
      const result = await db
        .updateTable("notification_receivers")
        .set({ status, status_updated_at: timestamp(context.now()) })
        .where("user_id", "=", userId)
        .where("notification_id", "in", [...ids])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

function toReceived(
  row: NotificationsTable & Pick<NotificationReceiversTable, "status" | "status_updated_at">,
): ReceivedNotification {
  const notification: ReceivedNotification = {
    id: row.id,
    createdAt: new Date(row.created_at),
    entity: { kind: row.entity_kind as NotificationEntityRef["kind"], id: row.entity_id },
    type: row.notification_type,
    receivers: JSON.parse(row.receivers) as string[],
    status: row.status,
  };
  if (row.data !== null) notification.data = new Uint8Array(row.data);
  if (row.sender_id !== null) notification.senderId = row.sender_id;
  if (row.status_updated_at !== null)
    notification.statusUpdatedAt = new Date(row.status_updated_at);
  return notification;
}

import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { errClusterKeyRequired } from "../../api/cluster-auth.ts";
import { isPeerCall } from "../../api/cluster-keys.ts";
import { requestedPage } from "../../api/paging.ts";
import { errorNamespace } from "../../errors/index.ts";
import type { EntityRef, EventBus, EventDefinition } from "../../events/index.ts";
import { State, StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  EntityStateChangedNotificationSchema,
  ListNotificationsResponseSchema,
  type Notification,
  NotificationReceiver,
  NotificationReceiverSchema,
  NotificationSchema,
  type NotificationService,
  type NotificationStatus,
  NotificationStatusSchema,
  UpdateNotificationStatusRequestSchema,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import {
  type APIKey,
  APIKeySchema,
  type Collaborator,
  CollaboratorSchema,
} from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { notificationEvents } from "../events.ts";
import type { AccountRef, NotificationEntityRef, ReceivedNotification } from "../store/index.ts";
import { bookmarkEntity, bookmarkEntityIds } from "./bookmarks.ts";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";

const errors = errorNamespace("identity-server/notifications");
export const errNoReceivers = errors.failedPrecondition(
  "no_receiver_user_ids",
  "no receiver users for the notification",
);
export const errUnknownNotificationType = errors.invalidArgument(
  "unknown_notification_type",
  "unknown notification type `{notification_type}`",
);
export const errInvalidNotificationIds = errors.invalidArgument(
  "invalid_notification_ids",
  "between 1 and 1000 distinct notification IDs of 36 characters each",
);
export const errInvalidReceivers = errors.invalidArgument(
  "invalid_receivers",
  "at least one distinct, defined receiver",
);

/** The notification types of The Things Stack. */
export const notificationTypes = new Set([
  "unknown",
  "api_key_created",
  "api_key_changed",
  "client_requested",
  "collaborator_changed",
  "entity_state_changed",
  "invitation",
  "login_token",
  "password_changed",
  "temporary_password",
  "user_requested",
  "validate",
]);

/** What to notify, about which entity, and who (by relation to the entity) receives it. */
export interface NotifyRequest {
  entity: NotificationEntityRef;
  type: string;
  data?: Any;
  senderId?: string;
  receivers: readonly NotificationReceiver[];
}

/** The logging the notifier needs (pino's signature). */
export interface NotifierLogger {
  error(fields: object, message: string): void;
}

function enumName(
  schema: typeof NotificationReceiverSchema | typeof NotificationStatusSchema,
  value: number,
) {
  return schema.values.find((candidate) => candidate.number === value)?.name ?? String(value);
}

function enumNumber<T extends number>(
  schema: typeof NotificationReceiverSchema | typeof NotificationStatusSchema,
  name: string,
): T {
  return (schema.values.find((candidate) => candidate.name === name)?.number ?? 0) as T;
}

/** The entity of an event or request, as stored with a notification. */
function notificationEntity(ids: EntityIdentifiers | undefined): NotificationEntityRef {
  const entity = bookmarkEntity(ids);
  return entity.kind === "end_device"
    ? { kind: "end_device", id: `${entity.id}.${entity.deviceId}` }
    : { kind: entity.kind, id: entity.id };
}

function notificationEntityIds(entity: NotificationEntityRef): EntityIdentifiers {
  if (entity.kind !== "end_device") return bookmarkEntityIds(entity);
  const dot = entity.id.indexOf(".");
  return bookmarkEntityIds({
    kind: "end_device",
    id: entity.id.slice(0, dot),
    deviceId: entity.id.slice(dot + 1),
  });
}

/**
 * Creates notifications: works out the receiving users (the user a notification is about;
 * the administrative or technical contact of an entity, where a contact organization stands
 * for its own contact, or all its members when it has none; the collaborators of an entity,
 * organizations by their members, also for contacts of an entity that has none), stores one
 * copy per user and publishes
 * `user.notification.create` to each. Notifications are not e-mailed: The Things Stack e-mails
 * them only by the users' preferences, which are not kept here.
 */
export class Notifier {
  readonly #context: ServiceContext;
  readonly #logger: NotifierLogger;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(context: ServiceContext, logger: NotifierLogger) {
    this.#context = context;
    this.#logger = logger;
  }

  /** Creates the notification; returns its ID. `no_receiver_user_ids` when nobody receives it. */
  async notify(request: NotifyRequest): Promise<string> {
    const receivers = await this.#receivingUsers(request);
    if (receivers.length === 0) throw errNoReceivers.create();
    const id = randomUUID();
    const createdAt = await this.#context.stores.notifications.create({
      id,
      entity: request.entity,
      type: request.type,
      data: request.data ? toBinary(AnySchema, request.data) : undefined,
      senderId: request.senderId,
      receivers: request.receivers.map((receiver) =>
        enumName(NotificationReceiverSchema, receiver),
      ),
      receiverUserIds: receivers,
    });
    const notification = create(NotificationSchema, {
      id,
      createdAt: toTimestamp(createdAt),
      entityIds: notificationEntityIds(request.entity),
      notificationType: request.type,
      data: request.data,
      senderIds: request.senderId ? { userId: request.senderId } : undefined,
      receivers: [...request.receivers],
    });
    for (const userId of receivers) {
      this.#context.events.publish(notificationEvents.create, {
        identifiers: [{ kind: "user", id: userId }],
        data: notification,
      });
    }
    return id;
  }

  /** Creates the notification in the background; a failure is logged, never thrown. */
  later(request: NotifyRequest): void {
    const work = this.notify(request).catch((error: unknown) => {
      if (errNoReceivers.matches(error)) return;
      this.#logger.error(
        {
          notification_type: request.type,
          entity: request.entity,
          error: (error as Error).message,
        },
        "notification could not be created",
      );
    });
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  /** Resolves once the background notifications started so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #receivingUsers(request: NotifyRequest): Promise<string[]> {
    const { stores } = this.#context;
    const accounts: AccountRef[] = [];
    const { entity } = request;
    if (entity.kind === "user") accounts.push({ kind: "user", id: entity.id });
    const contactOf =
      entity.kind === "end_device"
        ? { kind: "application" as const, id: entity.id.slice(0, entity.id.indexOf(".")) }
        : entity.kind === "user"
          ? undefined
          : { kind: entity.kind, id: entity.id };
    const wants = (receiver: NotificationReceiver) => request.receivers.includes(receiver);
    let wantsCollaborators = wants(NotificationReceiver.COLLABORATOR);
    if (
      contactOf &&
      (wants(NotificationReceiver.ADMINISTRATIVE_CONTACT) ||
        wants(NotificationReceiver.TECHNICAL_CONTACT))
    ) {
      const registry = {
        application: stores.applications,
        client: stores.clients,
        gateway: stores.gateways,
        organization: stores.organizations,
      }[contactOf.kind];
      const found = await registry.get(contactOf.id, {
        fieldMask: ["administrativeContact", "technicalContact"],
      });
      if (wants(NotificationReceiver.ADMINISTRATIVE_CONTACT) && found.administrativeContact)
        accounts.push(await this.#contactOf(found.administrativeContact));
      if (wants(NotificationReceiver.TECHNICAL_CONTACT) && found.technicalContact)
        accounts.push(await this.#contactOf(found.technicalContact));
      // An entity without contacts (they are optional here, while The Things Stack makes its
      // creator both) is looked after by its collaborators.
      if (!found.administrativeContact && !found.technicalContact) wantsCollaborators = true;
    }
    if (contactOf && wantsCollaborators) {
      const members = await stores.memberships.listMembers(contactOf);
      accounts.push(...members.items.map((membership) => membership.account));
    }
    const users = new Set<string>();
    for (const account of accounts) {
      if (account.kind === "user") users.add(account.id);
      else for (const member of await this.#membersOf(account.id)) users.add(member);
    }
    return [...users];
  }

  /** A contact organization stands for its own administrative (or technical) contact. */
  async #contactOf(account: AccountRef): Promise<AccountRef> {
    if (account.kind === "user") return account;
    const organization = await this.#context.stores.organizations
      .get(account.id, { fieldMask: ["administrativeContact", "technicalContact"] })
      .catch(() => undefined);
    const contact = organization?.administrativeContact ?? organization?.technicalContact;
    return contact?.kind === "user" ? contact : account;
  }

  async #membersOf(organizationId: string): Promise<string[]> {
    const members = await this.#context.stores.memberships.listMembers({
      kind: "organization",
      id: organizationId,
    });
    return members.items
      .filter((membership) => membership.account.kind === "user")
      .map((membership) => membership.account.id);
  }
}

/** How an event the Identity Server publishes turns into a notification, by event name. */
type EventRule = (
  event: { identifiers: readonly EntityRef[]; data?: unknown },
  context: ServiceContext,
) => Promise<NotifyRequest | undefined> | NotifyRequest | undefined;

function eventEntity(identifiers: readonly EntityRef[]): NotificationEntityRef | undefined {
  const first = identifiers[0];
  return first ? { kind: first.kind, id: first.id } : undefined;
}

const apiKeyRule =
  (type: string): EventRule =>
  (event) => {
    const entity = eventEntity(event.identifiers);
    if (!entity) return undefined;
    return {
      entity,
      type,
      data: event.data ? anyPack(APIKeySchema, event.data as APIKey) : undefined,
      receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    };
  };

const collaboratorRule: EventRule = (event) => {
  const entity = eventEntity(event.identifiers);
  if (!entity) return undefined;
  return {
    entity,
    type: "collaborator_changed",
    data: event.data ? anyPack(CollaboratorSchema, event.data as Collaborator) : undefined,
    receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
  };
};

/** A change of a user's or client's state (an admin's review): the entity learns of it. */
const stateRule =
  (kind: "user" | "client"): EventRule =>
  async (event, context) => {
    const entity = eventEntity(event.identifiers);
    const paths = Array.isArray(event.data) ? (event.data as string[]) : [];
    if (!entity || !paths.includes("state")) return undefined;
    const registry = kind === "user" ? context.stores.users : context.stores.clients;
    const current = await registry.get(entity.id, { fieldMask: ["state", "stateDescription"] });
    const state = StateSchema.values.find((value) => value.name === current.state)?.number;
    return {
      entity,
      type: "entity_state_changed",
      data: anyPack(
        EntityStateChangedNotificationSchema,
        create(EntityStateChangedNotificationSchema, {
          state: (state ?? State.REQUESTED) as State,
          stateDescription: current.stateDescription ?? "",
        }),
      ),
      receivers:
        kind === "user"
          ? [NotificationReceiver.COLLABORATOR]
          : [NotificationReceiver.ADMINISTRATIVE_CONTACT, NotificationReceiver.TECHNICAL_CONTACT],
    };
  };

/**
 * The changes the Identity Server makes today that The Things Stack notifies about: API keys
 * created or changed (`api_key_created`, `api_key_changed`, to the administrative contact; for
 * a user's keys, the user), collaborators set (`collaborator_changed`) and the state of a user
 * or OAuth client changed by an admin (`entity_state_changed`).
 */
export const notificationRules: Readonly<Record<string, EventRule>> = Object.fromEntries([
  ...["user", "organization", "application", "gateway"].flatMap((kind) => [
    [`${kind}.api-key.create`, apiKeyRule("api_key_created")],
    [`${kind}.api-key.update`, apiKeyRule("api_key_changed")],
  ]),
  ...["organization", "application", "gateway", "client"].map((kind) => [
    `${kind}.collaborator.update`,
    collaboratorRule,
  ]),
  ["user.update", stateRule("user")],
  ["client.update", stateRule("client")],
]);

/**
 * The event bus as the Identity Server's services see it: publishing works as on `bus`, and an
 * event that {@link notificationRules} names also creates its notification, in the background.
 * Only the instance that made a change publishes its event this way, so each notification is
 * made once however many instances receive the event.
 */
export function notifyingEvents(
  bus: EventBus,
  context: ServiceContext,
  notifier: Notifier,
): EventBus {
  return new Proxy(bus, {
    get(target, property) {
      if (property === "publish") {
        return (
          definition: EventDefinition<unknown>,
          input: { identifiers: readonly EntityRef[]; data?: unknown },
        ) => {
          const event = target.publish(definition, input);
          const rule = notificationRules[definition.name];
          if (rule) {
            void Promise.resolve(rule(input, context)).then(
              (request) => request && notifier.later(request),
              () => undefined,
            );
          }
          return event;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function toMessage(notification: ReceivedNotification): Notification {
  return create(NotificationSchema, {
    id: notification.id,
    createdAt: toTimestamp(notification.createdAt),
    entityIds: notificationEntityIds(notification.entity),
    notificationType: notification.type,
    data: notification.data ? fromBinary(AnySchema, notification.data) : undefined,
    senderIds: notification.senderId ? { userId: notification.senderId } : undefined,
    receivers: notification.receivers.map((name) =>
      enumNumber<NotificationReceiver>(NotificationReceiverSchema, name),
    ),
    status: enumNumber<NotificationStatus>(NotificationStatusSchema, notification.status),
    statusUpdatedAt: toTimestamp(notification.statusUpdatedAt),
  });
}

function receiverOf(ids: { userId: string } | undefined): string {
  if (!ids?.userId) throw errMissingField.create({ field: "receiver_ids.user_id" });
  return ids.userId;
}

/**
 * `NotificationService`, as in The Things Stack: `Create` for cluster peers only (cluster key),
 * `List` and `UpdateStatus` of a user's own notifications with `RIGHT_USER_NOTIFICATIONS_READ`.
 */
export function notificationService(
  context: ServiceContext,
  notifier: Notifier,
): Partial<ServiceImpl<typeof NotificationService>> {
  const ref = (id: string) => ({ kind: "user" as const, id });
  return {
    async create(request, handler) {
      if (!isPeerCall(handler))
        throw errClusterKeyRequired.create({ service: "ttn.lorawan.v3.NotificationService" });
      if (!notificationTypes.has(request.notificationType))
        throw errUnknownNotificationType.create({ notification_type: request.notificationType });
      const receivers = request.receivers;
      const defined = receivers.every((receiver) =>
        NotificationReceiverSchema.values.some(
          (value) => value.number === receiver && receiver !== 0,
        ),
      );
      if (receivers.length === 0 || !defined || new Set(receivers).size !== receivers.length)
        throw errInvalidReceivers.create();
      const id = await notifier.notify({
        entity: notificationEntity(request.entityIds),
        type: request.notificationType,
        data: request.data,
        senderId: request.senderIds?.userId || undefined,
        receivers,
      });
      return { id };
    },

    async list(request, handler) {
      const userId = receiverOf(request.receiverIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_NOTIFICATIONS_READ"]);
      const page = await context.stores.notifications.list(userId, {
        ...requestedPage(request),
        statuses: [...new Set(request.status)].map((status) =>
          enumName(NotificationStatusSchema, status),
        ),
      });
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(ListNotificationsResponseSchema, { notifications: page.items.map(toMessage) });
    },

    async updateStatus(request, handler) {
      const userId = receiverOf(request.receiverIds);
      await authorize(context, handler, ref(userId), ["RIGHT_USER_NOTIFICATIONS_READ"]);
      const { ids } = request;
      if (
        ids.length < 1 ||
        ids.length > 1000 ||
        new Set(ids).size !== ids.length ||
        ids.some((id) => id.length !== 36)
      )
        throw errInvalidNotificationIds.create();
      const status = NotificationStatusSchema.values.find(
        (value) => value.number === request.status,
      );
      if (!status) throw errInvalidNotificationIds.create();
      await context.stores.notifications.updateStatus(userId, ids, status.name);
      context.events.publish(notificationEvents.updateStatus, {
        identifiers: [ref(userId)],
        data: create(UpdateNotificationStatusRequestSchema, {
          receiverIds: { userId },
          ids: [...ids],
          status: request.status,
        }),
      });
      return {};
    },
  };
}

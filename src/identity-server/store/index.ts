import type { DatabaseEngine } from "../../storage/engine.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { type ApiKeyStore, createApiKeyStore } from "./api-keys.ts";
import { type ApplicationStore, createApplicationStore } from "./applications.ts";
import { type BookmarkStore, createBookmarkStore } from "./bookmarks.ts";
import { type ClientStore, createClientStore } from "./clients.ts";
import type { StoreContext, StoreDatabase } from "./database.ts";
import { createEmailValidationStore, type EmailValidationStore } from "./email-validations.ts";
import { createEndDeviceStore, type EndDeviceStore } from "./end-devices.ts";
import { createGatewayStore, type GatewayStore } from "./gateways.ts";
import { createInvitationStore, type InvitationStore } from "./invitations.ts";
import { createLoginTokenStore, type LoginTokenStore } from "./login-tokens.ts";
import { createMembershipStore, type ExpandRights, type MembershipStore } from "./memberships.ts";
import { createNotificationStore, type NotificationStore } from "./notifications.ts";
import { createOrganizationStore, type OrganizationStore } from "./organizations.ts";
import {
  createTemporaryPasswordStore,
  type TemporaryPasswordStore,
} from "./temporary-passwords.ts";
import { createUserSessionStore, type UserSessionStore } from "./user-sessions.ts";
import { createUserStore, type UserStore } from "./users.ts";

/** Every durable registry of the Identity Server, over one database. */
export interface IdentityStores {
  users: UserStore;
  organizations: OrganizationStore;
  applications: ApplicationStore;
  gateways: GatewayStore;
  endDevices: EndDeviceStore;
  clients: ClientStore;
  memberships: MembershipStore;
  apiKeys: ApiKeyStore;
  // What users keep besides their accounts (migration 0006).
  loginTokens: LoginTokenStore;
  temporaryPasswords: TemporaryPasswordStore;
  invitations: InvitationStore;
  emailValidations: EmailValidationStore;
  notifications: NotificationStore;
  bookmarks: BookmarkStore;
  /** The OAuth server's sign-in sessions of users. */
  sessions: UserSessionStore;
  /**
   * Runs `work` with stores bound to one transaction: everything it writes commits together
   * or not at all (e.g. an application and its creator's membership). Nested calls join the
   * outer transaction.
   */
  transact<T>(work: (stores: IdentityStores) => Promise<T>): Promise<T>;
}

export interface IdentityStoreOptions {
  /** The database engine (default SQLite). */
  engine?: DatabaseEngine;
  /** The clock for timestamps; default the system clock. */
  now?: () => Date;
  /** See {@link ExpandRights}; default: rights taken literally. */
  expandRights?: ExpandRights;
}

/** The Identity Server's stores on `db` (a migrated database, or a transaction on one). */
export function createIdentityStores(
  db: StoreDatabase,
  options: IdentityStoreOptions = {},
): IdentityStores {
  return bind(db as UntypedDatabase, options);
}

function bind(db: UntypedDatabase, options: IdentityStoreOptions): IdentityStores {
  const context: StoreContext = {
    db,
    typed: db as StoreDatabase,
    engine: options.engine ?? "sqlite",
    now: options.now ?? (() => new Date()),
  };
  const stores: IdentityStores = {
    users: createUserStore(context),
    organizations: createOrganizationStore(context),
    applications: createApplicationStore(context),
    gateways: createGatewayStore(context),
    endDevices: createEndDeviceStore(context),
    clients: createClientStore(context),
    memberships: createMembershipStore(context, options.expandRights),
    apiKeys: createApiKeyStore(context),
    loginTokens: createLoginTokenStore(context),
    temporaryPasswords: createTemporaryPasswordStore(context),
    invitations: createInvitationStore(context),
    emailValidations: createEmailValidationStore(context),
    notifications: createNotificationStore(context),
    bookmarks: createBookmarkStore(context),
    sessions: createUserSessionStore(context),
    transact(work) {
      if (db.isTransaction) return work(stores);
      return db.transaction().execute((trx) => work(bind(trx, options)));
    },
  };
  return stores;
}

export type {
  ApiKey,
  ApiKeyEntityKind,
  ApiKeyEntityRef,
  ApiKeyFields,
  ApiKeyStore,
  NewApiKey,
} from "./api-keys.ts";
export type { ApplicationStore } from "./applications.ts";
export type {
  Bookmark,
  BookmarkEntityRef,
  BookmarkKind,
  BookmarkListOptions,
  BookmarkOrderField,
  BookmarkStore,
} from "./bookmarks.ts";
export type { ClientStore } from "./clients.ts";
export type { StoreDatabase } from "./database.ts";
export type {
  EmailValidation,
  EmailValidationStore,
  NewEmailValidation,
  ValidationEntityRef,
} from "./email-validations.ts";
export type {
  EndDeviceFilter,
  EndDeviceFindOptions,
  EndDeviceKey,
  EndDeviceLastSeen,
  EndDeviceOrderField,
  EndDeviceStore,
} from "./end-devices.ts";
export { maxLastSeenBatch } from "./end-devices.ts";
export {
  errAccountIdTaken,
  errEmailTaken,
  errEndDeviceEuisTaken,
  errFieldNotUpdatable,
  errGatewayEuiTaken,
  errIdTaken,
  errInvalidMembership,
  errLastSeenBatchTooLarge,
  errNotDeleted,
  errNotFound,
} from "./errors.ts";
export type { GatewayStore } from "./gateways.ts";
export type { Invitation, InvitationStore, NewInvitation } from "./invitations.ts";
export type { LoginTokenStore, NewLoginToken } from "./login-tokens.ts";
export type {
  ExpandRights,
  MemberEntityKind,
  MemberEntityRef,
  Membership,
  MembershipStore,
} from "./memberships.ts";
export type {
  NewNotification,
  NotificationEntityRef,
  NotificationStore,
  ReceivedNotification,
} from "./notifications.ts";
export type { OrganizationStore } from "./organizations.ts";
export type { TemporaryPasswordStore, TemporaryPasswordUse } from "./temporary-passwords.ts";
export type * from "./types.ts";
export * from "./user-data-errors.ts";
export type { UserSession, UserSessionStore } from "./user-sessions.ts";
export type { UserStore } from "./users.ts";

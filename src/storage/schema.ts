import type { ColumnType } from "kysely";

/**
 * The tables of the lorastack database, as Kysely sees them. Each migration that adds a table
 * adds its row type here.
 */
export interface DatabaseSchema {
  metadata: MetadataTable;
  accounts: AccountsTable;
  users: UsersTable;
  organizations: EntityTable & { organization_id: string };
  applications: ApplicationsTable;
  gateways: GatewaysTable;
  end_devices: EndDevicesTable;
  clients: EntityTable & { client_id: string };
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  oauth_artifacts: OAuthArtifactsTable;
  dev_eui_blocks: DevEuiBlocksTable;
  login_tokens: LoginTokensTable;
  temporary_passwords: TemporaryPasswordsTable;
  invitations: InvitationsTable;
  email_validations: EmailValidationsTable;
  notifications: NotificationsTable;
  notification_receivers: NotificationReceiversTable;
  user_bookmarks: UserBookmarksTable;
}

/** Facts about the database itself, such as the installation id shared by a cluster. */
export interface MetadataTable {
  key: string;
  value: string;
  updated_at: string;
}

/** One ID of the namespace that users and organizations share. */
export interface AccountsTable {
  account_id: string;
  /** `user` or `organization`. */
  account_kind: string;
  created_at: string;
}

/**
 * The columns every Identity Server registry table has besides its key. `data` is a JSON object
 * with the entity's other fields; timestamps are RFC 3339 text with milliseconds.
 */
export interface EntityTable {
  name: string | null;
  /** Since 0007 (before, in `data`). */
  description: ColumnType<string | null, string | null | undefined, string | null>;
  data: string;
  created_at: string;
  updated_at: string;
  /** Set when soft-deleted; the ID stays taken until the row is purged. */
  deleted_at: string | null;
}

export interface ApplicationsTable extends EntityTable {
  application_id: string;
  /** DevEUIs issued to the application from the configured block (0009). */
  dev_eui_counter: ColumnType<number, number | undefined, number>;
}

/**
 * The next counter of a DevEUI address block (0009): the issued DevEUI is `start_eui` (16
 * upper-case hex digits) plus the counter, while the counter is at most `end_counter`. Counters
 * are `bigint` columns, which PostgreSQL hands back as text.
 */
export interface DevEuiBlocksTable {
  /** `<16 hex digits>/<prefix length>`. */
  prefix: string;
  start_eui: string;
  end_counter: ColumnType<number | string, number, number>;
  current_counter: ColumnType<number | string, number, number>;
  created_at: string;
}

export interface UsersTable extends EntityTable {
  user_id: string;
  primary_email_address: string | null;
}

export interface GatewaysTable extends EntityTable {
  gateway_id: string;
  /** Upper-case hex; unique among the gateways that are not purged. */
  gateway_eui: string | null;
}

export interface EndDevicesTable extends EntityTable {
  application_id: string;
  device_id: string;
  /** Upper-case hex; (join_eui, dev_eui) is unique when both are set. */
  join_eui: string | null;
  dev_eui: string | null;
  /** RFC 3339; NULL: never seen. Written forward only, in batches (see the end device store). */
  last_seen_at: string | null;
}

/** The rights of an account (user or organization) on an entity. */
export interface MembershipsTable {
  account_id: string;
  account_kind: string;
  /** `application`, `gateway`, `organization` or `client`. */
  entity_kind: string;
  entity_id: string;
  /** JSON array of right names. */
  rights: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  key_id: string;
  /** `user`, `organization`, `application`, `gateway` or `client`. */
  entity_kind: string;
  entity_id: string;
  name: string | null;
  secret_hash: string;
  /** JSON array of right names. */
  rights: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One artifact of the OAuth server (oidc-provider): a session, interaction, grant, code or
 * token. Timestamps are RFC 3339 text; a row whose `expires_at` has passed is ignored.
 */
export interface OAuthArtifactsTable {
  /** The oidc-provider model: `Session`, `AccessToken`, `RefreshToken`, `Grant`, ... */
  model: string;
  /** The SHA-256 of the artifact's ID in hex (since 0005): the ID of a token is the token. */
  id: string;
  /** The artifact as JSON text. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  /** A session's UID. */
  uid: string | null;
  /** `null`: never expires. */
  expires_at: string | null;
  consumed_at: string | null;
  /** An interaction's client address, hashed, for bounds per address (0005). */
  address_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** The user (`accountId`) and OAuth client (`clientId`) of the artifact, if any (0009). */
  account_id: ColumnType<string | null, string | null | undefined, string | null>;
  client_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the artifact was first stored and last changed (0009). */
  created_at: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A one-time login token of a user, by the SHA-256 of the token (0006). */
export interface LoginTokensTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** The temporary password of a user (at most one), by its SHA-256 (0006). */
export interface TemporaryPasswordsTable {
  user_id: string;
  password_hash: string;
  created_at: string;
  expires_at: string;
}

/** An invitation to register, one per (lower-case) e-mail address (0006). */
export interface InvitationsTable {
  email: string;
  token_hash: string;
  /** The user who sent it. */
  sent_by: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
}

/** A validation of an e-mail address, requested for an entity (0006). */
export interface EmailValidationsTable {
  id: string;
  token_hash: string;
  /** `user`, `organization`, `application`, `gateway` or `client`. */
  entity_kind: string;
  entity_id: string;
  /** Lower case. */
  address: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A notification about an entity (0006); its receivers are in `notification_receivers`. */
export interface NotificationsTable {
  id: string;
  created_at: string;
  entity_kind: string;
  /** `<application_id>.<device_id>` for an end device. */
  entity_id: string;
  notification_type: string;
  /** A `google.protobuf.Any` in binary, or null. */
  data: Uint8Array | null;
  sender_id: string | null;
  /** JSON array of `NotificationReceiver` names. */
  receivers: string;
}

/** One receiving user of a notification, with that user's status of it. */
export interface NotificationReceiversTable {
  user_id: string;
  notification_id: string;
  /** The notification's creation time. */
  created_at: string;
  /** `NOTIFICATION_STATUS_UNSEEN`, `..._SEEN` or `..._ARCHIVED`. */
  status: string;
  status_updated_at: string | null;
}

/** An entity a user bookmarked; end devices by application and device ID (0006). */
export interface UserBookmarksTable {
  user_id: string;
  /** `application`, `client`, `end_device`, `gateway`, `organization` or `user`. */
  entity_kind: string;
  entity_id: string;
  /** The device of an end device; "" for other entities. */
  device_id: string;
  created_at: string;
}

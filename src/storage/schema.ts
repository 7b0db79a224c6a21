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
  applications: EntityTable & { application_id: string };
  gateways: GatewaysTable;
  end_devices: EndDevicesTable;
  clients: EntityTable & { client_id: string };
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  oauth_artifacts: OAuthArtifactsTable;
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
}

/**
 * The Identity Server's entities as the store sees them: plain TypeScript, independent of the
 * protobuf API (the API layer maps between the two). EUIs are 16 upper-case hex digits. Every
 * field besides the identifiers and timestamps is optional: a read with a field mask returns
 * only the fields it names.
 */

/** When an entity was created and last updated, and when it was soft-deleted. */
export interface Timestamps {
  createdAt: Date;
  updatedAt: Date;
  /** Set while the entity is soft-deleted (only returned with `includeDeleted`). */
  deletedAt?: Date;
}

export type AccountKind = "user" | "organization";

/** A user or an organization. */
export interface AccountRef {
  kind: AccountKind;
  id: string;
}

/** A point on Earth; altitude in metres, accuracy in metres. */
export interface Location {
  latitude: number;
  longitude: number;
  altitude?: number;
  accuracy?: number;
  /** How the location was obtained, e.g. `SOURCE_REGISTRY`. */
  source?: string;
}

/** Fields most entities share. */
export interface CommonFields {
  name?: string;
  description?: string;
  attributes?: Record<string, string>;
}

export interface ContactFields {
  administrativeContact?: AccountRef;
  technicalContact?: AccountRef;
}

export interface UserFields extends CommonFields {
  /** Unique among users (compared as stored: the API layer normalises case). */
  primaryEmailAddress?: string;
  primaryEmailAddressValidatedAt?: Date;
  /** The password hash (never the password). */
  password?: string;
  passwordUpdatedAt?: Date;
  requirePasswordUpdate?: boolean;
  /** `STATE_REQUESTED`, `STATE_APPROVED`, `STATE_REJECTED`, `STATE_FLAGGED`, `STATE_SUSPENDED`. */
  state?: string;
  stateDescription?: string;
  admin?: boolean;
}
export interface User extends UserFields, Timestamps {
  userId: string;
}

export interface OrganizationFields extends CommonFields, ContactFields {}
export interface Organization extends OrganizationFields, Timestamps {
  organizationId: string;
}

export interface ApplicationFields extends CommonFields, ContactFields {
  networkServerAddress?: string;
  applicationServerAddress?: string;
  joinServerAddress?: string;
}
export interface Application extends ApplicationFields, Timestamps {
  applicationId: string;
}

export interface GatewayVersionIds {
  brandId?: string;
  modelId?: string;
  hardwareVersion?: string;
  firmwareVersion?: string;
  runtimeVersion?: string;
}

export interface GatewayAntenna {
  gain?: number;
  location?: Location;
  attributes?: Record<string, string>;
  /** `PLACEMENT_UNKNOWN`, `INDOOR` or `OUTDOOR`. */
  placement?: string;
}

/**
 * A secret at rest: `value` (base64) encrypted by the key vault under the key labelled `keyId`;
 * an empty `keyId` marks a value kept in plain (as The Things Stack does without a key).
 */
export interface StoredSecret {
  keyId: string;
  value: string;
}

/** One way to reach someone about an entity (deprecated in The Things Stack, still stored). */
export interface ContactInfo {
  /** `CONTACT_TYPE_OTHER`, `..._ABUSE`, `..._BILLING` or `..._TECHNICAL`. */
  contactType?: string;
  /** `CONTACT_METHOD_OTHER`, `..._EMAIL` or `..._PHONE`. */
  contactMethod?: string;
  value?: string;
  public?: boolean;
  /** RFC 3339. */
  validatedAt?: string;
}

/** The code that proves ownership of a gateway when claiming it; times in RFC 3339. */
export interface StoredClaimAuthenticationCode {
  secret: StoredSecret;
  validFrom?: string;
  validTo?: string;
}

export interface GatewayFields extends CommonFields, ContactFields {
  /** Unique among gateways that are not purged (soft-deleted ones keep theirs). */
  gatewayEui?: string;
  versionIds?: GatewayVersionIds;
  gatewayServerAddress?: string;
  autoUpdate?: boolean;
  updateChannel?: string;
  frequencyPlanId?: string;
  frequencyPlanIds?: string[];
  antennas?: GatewayAntenna[];
  statusPublic?: boolean;
  locationPublic?: boolean;
  scheduleDownlinkLate?: boolean;
  enforceDutyCycle?: boolean;
  /** `DOWNLINK_PATH_CONSTRAINT_NONE`, `..._PREFER_OTHER` or `..._NEVER`. */
  downlinkPathConstraint?: string;
  scheduleAnytimeDelayMs?: number;
  updateLocationFromStatus?: boolean;
  requireAuthenticatedConnection?: boolean;
  disablePacketBrokerForwarding?: boolean;
  contactInfo?: ContactInfo[];
  /** LoRa Basics Station LNS credential, encrypted. */
  lbsLnsSecret?: StoredSecret;
  /** Encrypted. */
  claimAuthenticationCode?: StoredClaimAuthenticationCode;
  targetCupsUri?: string;
  /** LoRa Basics Station CUPS key of the redirection target, encrypted. */
  targetCupsKey?: StoredSecret;
  /** `lrfhss.supported`. */
  supportsLrfhss?: boolean;
}
export interface Gateway extends GatewayFields, Timestamps {
  gatewayId: string;
}

export interface EndDeviceVersionIds {
  brandId?: string;
  modelId?: string;
  hardwareVersion?: string;
  firmwareVersion?: string;
  bandId?: string;
}

/** The Identity Server's part of an end device. */
export interface EndDeviceFields extends CommonFields {
  /** (joinEui, devEui) is unique when both are set. */
  joinEui?: string;
  devEui?: string;
  versionIds?: EndDeviceVersionIds;
  /** Locations by source name (`user`, `frm-payload`, ...). */
  locations?: Record<string, Location>;
  networkServerAddress?: string;
  applicationServerAddress?: string;
  joinServerAddress?: string;
  /**
   * When the device was last seen (an uplink or join the Network Server accepted). Read only:
   * written by `EndDeviceStore.batchUpdateLastSeen`, never by create or update.
   */
  lastSeenAt?: Date;
}
export interface EndDevice extends EndDeviceFields, Timestamps {
  applicationId: string;
  deviceId: string;
}

/** An OAuth client. */
export interface ClientFields extends CommonFields, ContactFields {
  /** The client secret hash. */
  secret?: string;
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  state?: string;
  stateDescription?: string;
  skipAuthorization?: boolean;
  endorsed?: boolean;
  /** `GRANT_AUTHORIZATION_CODE`, `GRANT_PASSWORD`, `GRANT_REFRESH_TOKEN`. */
  grants?: string[];
  rights?: string[];
}
export interface Client extends ClientFields, Timestamps {
  clientId: string;
}

/** One page of a list, and how many items match in all pages. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Paging without ordering or filtering. */
export interface PageOptions {
  /** At most this many items; 0 or absent: all. */
  limit?: number;
  /** 1-based page number; absent: 1. */
  page?: number;
}

/** What a list orders by; ties are broken by the identifier. */
export type OrderField = "id" | "name" | "createdAt" | "updatedAt";

export interface ListOptions extends PageOptions {
  order?: { field: OrderField; descending?: boolean };
  /** Include soft-deleted entities (admins). */
  includeDeleted?: boolean;
  /** Only soft-deleted entities (admins' `deleted: true`); paged and counted in SQL. */
  onlyDeleted?: boolean;
  /** Only these IDs (device IDs for end devices). */
  ids?: readonly string[];
  /** Only entities updated at or after this time. */
  updatedSince?: Date;
  /**
   * Only entities of this kind the account is a collaborator of with any rights (a user also
   * through its organizations), selected in SQL so that paging counts only them.
   */
  collaboratorOf?: {
    kind: "application" | "gateway" | "organization" | "client";
    account: AccountRef;
  };
  /** Not these IDs. */
  excludeIds?: readonly string[];
  /** Only the entities an account is a member of with some rights (see {@link MemberOf}). */
  memberOf?: MemberOf;
  /** Only the entities a search matches (see {@link SearchFilter}). */
  search?: SearchFilter;
}

/**
 * The entities an account is a member of with at least one of `anyOf` (right names, as
 * stored): directly, and for a user also through an organization (not deleted) in which the
 * user holds one of `anyOf` and which holds one of `anyOf` on the entity. With `anyOf` the
 * rights that grant one right (`RIGHT_APPLICATION_INFO`, `..._ALL`, `RIGHT_ALL`, ...) this is
 * exactly the entities on which the account holds that right.
 */
export interface MemberOf {
  account: AccountRef;
  anyOf: readonly string[];
}

/** What a search matches, in SQL; text comparisons ignore case (ASCII). */
export interface SearchFilter {
  /** Domain fields (`applicationId`, `name`, `description`, `gatewayEui`) that contain a text. */
  contains?: Readonly<Record<string, string>>;
  /** Text that the ID, name, description or another searchable field contains. */
  query?: string;
  /** The fields `query` looks in instead (domain names, such as `userId` and `name`). */
  queryFields?: readonly string[];
  /** Attributes whose values contain a text (the attribute must exist). */
  attributesContain?: Readonly<Record<string, string>>;
  /** Text fields whose value is one of `values`; `absent` stands for a missing value. */
  oneOf?: readonly { field: string; values: readonly string[]; absent?: string }[];
}

/** Options of a read. */
export interface GetOptions<F> {
  /** Only these fields (identifiers and timestamps are always returned). */
  fieldMask?: readonly (keyof F)[];
  includeDeleted?: boolean;
}

/**
 * Computes the changes of an atomic update from the current entity: the fields to set, each
 * present key set to its value (`undefined`: cleared). Throwing aborts the update.
 */
export type EntityChange<F, E> = (current: E) => F | Promise<F>;

/** The registry of one kind of entity, keyed by `K`. */
export interface EntityStore<K, F, E> {
  /** Creates the entity; already_exists when its ID (or a unique field) is taken. */
  create(key: K, fields: F): Promise<E>;
  /** not_found when missing or soft-deleted (unless `includeDeleted`). */
  get(key: K, options?: GetOptions<F>): Promise<E>;
  list(options?: ListOptions): Promise<Page<E>>;
  /**
   * Changes the entity atomically: `change` gets the current entity, which no other update
   * can change until this one is written, and returns the fields to set (a field present with
   * the value `undefined` is cleared). Returns the whole updated entity; not_found when the
   * entity is missing or soft-deleted.
   */
  update(key: K, change: EntityChange<F, E>): Promise<E>;
  /**
   * Sets the fields named by `fieldMask` to their values in `patch`; a named field absent from
   * `patch` is cleared. Returns the whole updated entity.
   */
  update(key: K, patch: F, fieldMask: readonly (keyof F)[]): Promise<E>;
  /** Soft delete: invisible to get/list, ID still taken. */
  delete(key: K): Promise<void>;
  /** Undoes a soft delete; failed_precondition when the entity is not deleted. */
  restore(key: K): Promise<void>;
  /** Removes the entity, deleted or not, with its memberships and API keys. */
  purge(key: K): Promise<void>;
}

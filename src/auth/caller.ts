import type { EntityRef, EntityRefKind } from "./entity.ts";
import type { RightName } from "./rights/index.ts";

/** Who is calling the API, as established from the request's credentials. */
export type Caller =
  | {
      kind: "api-key";
      keyId: string;
      /** The user, organization, application or gateway the key belongs to. */
      owner: EntityRef;
      rights: ReadonlySet<RightName>;
    }
  | {
      kind: "user";
      userId: string;
      /** Rights the token grants (an OAuth token's scope); the user's own rights bound them. */
      rights: ReadonlySet<RightName>;
      /** How the user was authenticated: an OAuth access token or a Console session. */
      via: "oauth" | "session";
    };

/** What authentication needs to know about an API key. */
export interface StoredApiKey {
  id: string;
  secretHash: string;
  owner: EntityRef;
  rights: readonly string[];
  expiresAt?: Date | undefined;
}

/** What authorization needs to know about a user. */
export interface StoredUser {
  admin: boolean;
  /** `STATE_APPROVED`, `STATE_SUSPENDED`, ... (see account-state.ts); absent: requested. */
  state?: string | undefined;
}

/** The lookups authentication and authorization need from the Identity Server's registries. */
export interface AccessLookup {
  apiKey(id: string): Promise<StoredApiKey | undefined>;
  /** The user when it exists and is not deleted: its admin flag and account state. */
  user(userId: string): Promise<StoredUser | undefined>;
  /**
   * Rights of a user or organization on an entity through memberships: direct rights, plus for a
   * user the rights it holds through organizations (bounded by its rights in each organization).
   */
  membershipRights(account: EntityRef, entity: EntityRef): Promise<ReadonlySet<string>>;
  /**
   * {@link membershipRights} on many entities of one kind at once (for list calls), by entity
   * ID; an entity without rights may be absent. Without it, each entity is looked up alone.
   */
  membershipRightsOfEach?(
    account: EntityRef,
    kind: EntityRefKind,
    ids: readonly string[],
  ): Promise<ReadonlyMap<string, ReadonlySet<string>>>;
  /**
   * The user and rights of an OAuth access token (any bearer token that is not an API key), or
   * `undefined` when it is unknown, expired or revoked. Without it, such tokens are refused.
   */
  accessToken?(
    token: string,
  ): Promise<{ userId: string; rights: readonly string[]; expiresAt: Date } | undefined>;
  /**
   * Replaces an API key's stored hash `from` (a legacy form, such as The Things Stack's PBKDF2)
   * with `to`, after its secret verified, so that later requests skip the slow check. Best
   * effort: a failure must not fail the request.
   */
  upgradeApiKeyHash?(keyId: string, from: string, to: string): Promise<void>;
}

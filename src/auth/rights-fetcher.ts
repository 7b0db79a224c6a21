import type { Caller } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import type { RightName } from "./rights/index.ts";

/** Who a credential belongs to and what holds everywhere. */
export interface AuthInfo {
  caller: Caller;
  /** The caller is an admin user (or a key of one). */
  isAdmin: boolean;
  /** Rights the caller holds on every entity (an admin's rights). */
  universalRights: ReadonlySet<RightName>;
}

/**
 * Authentication and rights for any component, without importing the Identity Server: an
 * in-process implementation when the Identity Server runs in this process, a remote one over
 * its `EntityAccess.AuthInfo` and `*Access.ListRights` calls otherwise, both behind a
 * short-lived cache that the events changing rights invalidate.
 */
export interface RightsFetcher {
  /** The caller behind an `Authorization` header value; typed auth errors when it is invalid. */
  authInfo(authorization: string): Promise<AuthInfo>;
  /** The rights the credential holds on an entity (an end device counts as its application). */
  rightsOn(authorization: string, entity: EntityRef): Promise<ReadonlySet<RightName>>;
}

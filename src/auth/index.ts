export {
  type AccountState,
  type AccountStateRule,
  accountState,
  accountStateRules,
} from "./account-state.ts";
export * from "./api-keys/index.ts";
export { authenticate } from "./authenticate.ts";
export {
  type Principal,
  principalOf,
  requireActiveAccount,
  requireRightsOn,
  rightsOn,
  rightsOnEach,
} from "./authorize.ts";
export { CachedAccessLookup, type CachedAccessLookupOptions } from "./cached-access-lookup.ts";
export {
  CachedRightsFetcher,
  type CachedRightsFetcherOptions,
  type RightsInvalidation,
} from "./cached-rights-fetcher.ts";
export type { AccessLookup, Caller, StoredApiKey, StoredUser } from "./caller.ts";
export type { EntityRef, EntityRefKind } from "./entity.ts";
export {
  errMissingRights,
  errNoCredentials,
  errNoRights,
  errTokenExpired,
  errUnknownToken,
  errUnsupportedAuthorization,
  errUserRejected,
  errUserRequested,
  errUserSuspended,
} from "./errors.ts";
export { invalidateForEvent } from "./invalidate-for-event.ts";
export { isPbkdf2Hash, verifyPbkdf2 } from "./pbkdf2.ts";
export {
  authInfoOf,
  type PeerRightsFetcherOptions,
  peerRightsFetcher,
} from "./peer-rights-fetcher.ts";
export * from "./rights/index.ts";
export type { AuthInfo, RightsFetcher } from "./rights-fetcher.ts";

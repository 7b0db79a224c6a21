export { authenticate } from "./authenticate.ts";
export { requireRightsOn, rightsOn } from "./authorize.ts";
export type { AccessLookup, Caller, StoredApiKey } from "./caller.ts";
export {
  errMissingRights,
  errNoCredentials,
  errNoRights,
  errTokenExpired,
  errUnknownToken,
  errUnsupportedAuthorization,
} from "./errors.ts";

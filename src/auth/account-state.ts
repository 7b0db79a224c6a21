import type { ErrorDefinition } from "../errors/index.ts";
import { errUserRejected, errUserRequested, errUserSuspended } from "./errors.ts";
import type { RightName } from "./rights/index.ts";

/** A user account's state, with The Things Stack's names. */
export type AccountState =
  | "STATE_REQUESTED"
  | "STATE_APPROVED"
  | "STATE_REJECTED"
  | "STATE_FLAGGED"
  | "STATE_SUSPENDED";

/** What a user's credentials may do in one account state. */
export interface AccountStateRule {
  /** The only rights the user's credentials keep; absent: not restricted. */
  rights?: readonly RightName[];
  /** Whether the admin flag counts. */
  admin: boolean;
  /** The refusal of calls that only need an authenticated caller (public reads). */
  refusal?: ErrorDefinition;
}

/**
 * The Things Stack's rule (`entity_access.go`): a pending, rejected or suspended user keeps only
 * a few rights on itself, whatever its API keys, OAuth tokens or sessions say; a flagged user
 * keeps its rights ("innocent until proven guilty") but, like every user that is not approved,
 * is no admin.
 */
export const accountStateRules: Readonly<Record<AccountState, AccountStateRule>> = {
  STATE_REQUESTED: {
    rights: ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC", "RIGHT_USER_DELETE"],
    admin: false,
    refusal: errUserRequested,
  },
  STATE_APPROVED: { admin: true },
  STATE_REJECTED: {
    rights: ["RIGHT_USER_INFO", "RIGHT_USER_DELETE"],
    admin: false,
    refusal: errUserRejected,
  },
  STATE_FLAGGED: { admin: false },
  STATE_SUSPENDED: { rights: ["RIGHT_USER_INFO"], admin: false, refusal: errUserSuspended },
};

/**
 * The state of a stored user. A user stored without one is `STATE_REQUESTED`, as the API shows
 * it (the enum's zero value); an unknown name counts as suspended, so it never grants more.
 */
export function accountState(stored: string | undefined): AccountState {
  if (stored === undefined || stored === "") return "STATE_REQUESTED";
  return Object.hasOwn(accountStateRules, stored) ? (stored as AccountState) : "STATE_SUSPENDED";
}

import { idError } from "../ids.ts";
/** A collaborator's identifiers as TTS writes them (`OrganizationOrUserIdentifiers`). */
export type AccountIds = {
  user_ids?: { user_id: string };
  organization_ids?: { organization_id: string };
};

/** A collaborator as TTS lists it. */
export type Collaborator = { ids?: AccountIds; rights?: string[] };

/** An account: a user or an organization, by ID. */
export type Account = { type: "user" | "organization"; id: string };

/** The account named by TTS identifiers, or undefined when they name neither. */
export function accountOf(ids: AccountIds | undefined): Account | undefined {
  if (typeof ids?.user_ids?.user_id === "string") return { type: "user", id: ids.user_ids.user_id };
  if (typeof ids?.organization_ids?.organization_id === "string")
    return { type: "organization", id: ids.organization_ids.organization_id };
  return undefined;
}

/** TTS identifiers for an account. */
export function idsOf(account: Account): AccountIds {
  return account.type === "user"
    ? { user_ids: { user_id: account.id } }
    : { organization_ids: { organization_id: account.id } };
}

/** The REST path segment of an account under `/collaborators/` (`user/alice`). */
export function accountPath(account: Account): string {
  return `${account.type}/${encodeURIComponent(account.id)}`;
}

/** TTS's ID rule for users and organizations. */
export function isValidId(id: string): boolean {
  return idError(id) === null;
}

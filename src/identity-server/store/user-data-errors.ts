import { errorNamespace } from "../../errors/index.ts";

// Errors of the stores of what users keep besides their accounts (tokens, invitations,
// validations, notifications, bookmarks, sessions).
const errors = errorNamespace("identity-server/store/user-data");

export const errInvitationExists = errors.alreadyExists(
  "invitation_exists",
  "an invitation to {email} is still pending",
);
export const errInvitationTokenUnknown = errors.notFound(
  "invitation_token_not_found",
  "invitation token not found",
);
export const errInvitationTokenExpired = errors.invalidArgument(
  "invitation_token_expired",
  "invitation token expired",
);
export const errInvitationAccepted = errors.failedPrecondition(
  "invitation_already_accepted",
  "invitation already accepted",
);
export const errValidationTokenUnknown = errors.notFound(
  "validation_token_not_found",
  "validation token with ID `{validation_id}` not found",
);
export const errValidationTokenUsed = errors.failedPrecondition(
  "validation_token_already_used",
  "validation token with ID `{validation_id}` already used",
);
export const errValidationTokenExpired = errors.failedPrecondition(
  "validation_token_expired",
  "validation token with ID `{validation_id}` expired",
);
export const errBookmarkExists = errors.alreadyExists(
  "bookmark_exists",
  "{entity_kind} {entity_id} is already bookmarked",
);

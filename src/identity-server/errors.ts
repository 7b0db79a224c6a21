// Every error the Identity Server defines, gathered in one place: each part defines its own
// beside its code (a namespace per part, `identity-server/<part>`); this file lists them.
export { errUnreadableTlsCa } from "./email/mailer.ts";
export {
  errSmtpConnection,
  errSmtpNoAuth,
  errSmtpNoTls,
  errSmtpRefused,
} from "./email/smtp-client.ts";
export * from "./ids/errors.ts";
export * from "./oauth/errors.ts";
export * from "./passwords/errors.ts";
export { errApplicationHasDevices } from "./services/applications.ts";
export { errBatchSize } from "./services/batch-size.ts";
export { errBookmarksBatchSize, errUnknownEntityType } from "./services/bookmarks.ts";
export { errAdminOnlyField, errInvalidRedirectUri } from "./services/clients.ts";
export {
  errNoContactInfoForEntity,
  errNoValidationNeeded,
  errValidationsAlreadySent,
} from "./services/contact-info.ts";
export { errForbiddenPath, errMissingField } from "./services/convert.ts";
export { errDevEuiIssuingNotEnabled } from "./services/dev-eui.ts";
export { errValidationRequestForbidden } from "./services/email-validation.ts";
export { errNoUserWithAddress } from "./services/email-validation-flow.ts";
export { errInvalidSearch } from "./services/end-devices-search.ts";
export {
  errFrequencyPlanMismatch,
  errInvalidEnum,
  errInvalidEui,
  errUnknownFrequencyPlan,
} from "./services/gateways.ts";
export { errNoInviteRights } from "./services/invitations.ts";
export { errUpdatedSinceInFuture } from "./services/list-filters.ts";
export {
  errInvalidNotificationIds,
  errInvalidReceivers,
  errNoReceivers,
  errUnknownNotificationType,
} from "./services/notifications.ts";
export { errAccessTokenMismatch } from "./services/oauth-authorizations.ts";
export { errInvalidOrder } from "./services/order.ts";
export {
  errCreateUserAdminOnly,
  errIncorrectPassword,
  errUnknownState,
  errUpdateUserAdminField,
} from "./services/users.ts";
export { errLoginTokensDisabled, errLoginTokensStillValid } from "./services/users-login-tokens.ts";
export {
  errTemporaryPasswordExpired,
  errTemporaryPasswordStillValid,
} from "./services/users-temporary-password.ts";
export { errApplicationDevEuiLimitReached, errNoEuiBlockAvailable } from "./store/dev-eui.ts";
export * from "./store/errors.ts";

import type { ApiRegistry } from "../../api/registry.ts";
import type { Config } from "../../config/index.ts";
import { ContactInfoRegistry } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { EmailValidationRegistry } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import {
  EntityStateChangedNotificationSchema,
  NotificationService,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { APIKeySchema, CollaboratorSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import {
  UserBookmarkRegistry,
  UserInvitationRegistry,
  UserSessionRegistry,
} from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { type IdentityServerConfig, oauthIssuer } from "../config.ts";
import { userBookmarkRegistry } from "./bookmarks.ts";
import { contactInfoRegistry } from "./contact-info.ts";
import { emailValidationRegistry } from "./email-validation.ts";
import { userInvitationRegistry } from "./invitations.ts";
import { type Notifier, notificationService } from "./notifications.ts";
import type { UserFeatureContext, UserFeatureSettings } from "./user-features.ts";
import { userSessionRegistry } from "./users-sessions.ts";

/** The settings of the user feature services from the Identity Server's configuration. */
export function userFeatureSettings(
  section: IdentityServerConfig,
  http: Config["http"],
): UserFeatureSettings {
  const { email, login_tokens, user_registration } = section;
  return {
    loginTokens: { enabled: login_tokens.enabled, ttlMs: login_tokens.token_ttl },
    invitationTtlMs: user_registration.invitation.token_ttl,
    validation: {
      ttlMs: user_registration.contact_info_validation.token_ttl,
      retryIntervalMs: user_registration.contact_info_validation.retry_interval,
    },
    network: {
      name: email.network.name,
      identityServerUrl: (email.network.identity_server_url || oauthIssuer(section, http)).replace(
        /\/+$/,
        "",
      ),
      consoleUrl: email.network.console_url,
    },
  };
}

/**
 * Registers the services of what users keep besides their accounts: invitations, sessions,
 * contact info and e-mail validation, notifications and bookmarks.
 */
export function registerUserFeatureServices(
  api: ApiRegistry,
  features: UserFeatureContext,
  notifier: Notifier,
): void {
  api.register(UserInvitationRegistry, userInvitationRegistry(features));
  api.register(UserSessionRegistry, userSessionRegistry(features));
  api.register(ContactInfoRegistry, contactInfoRegistry(features));
  api.register(EmailValidationRegistry, emailValidationRegistry(features));
  api.register(NotificationService, notificationService(features, notifier));
  api.register(UserBookmarkRegistry, userBookmarkRegistry(features));
  // The data of notifications, written as JSON with its `@type`.
  api.registerTypes(APIKeySchema, CollaboratorSchema, EntityStateChangedNotificationSchema);
}

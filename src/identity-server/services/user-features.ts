import type { Mailer } from "../email/mailer.ts";
import type { EmailNetwork } from "../email/templates.ts";
import type { ServiceContext } from "./context.ts";

/** How the services for login tokens, invitations and e-mail validation behave. */
export interface UserFeatureSettings {
  loginTokens: { enabled: boolean; ttlMs: number };
  invitationTtlMs: number;
  validation: { ttlMs: number; retryIntervalMs: number };
  network: EmailNetwork;
}

/** What the services of users' tokens, invitations, validations and notifications work with. */
export interface UserFeatureContext extends ServiceContext {
  mailer: Mailer;
  settings: UserFeatureSettings;
  /** The clock (tests); default the system clock. */
  now?: () => Date;
}

/** The validity of a temporary password, as in The Things Stack. */
export const temporaryPasswordTtlMs = 60 * 60 * 1000;

/** Active login tokens a user may hold at once, as in The Things Stack. */
export const maxActiveLoginTokens = 5;

export function nowOf(context: UserFeatureContext): Date {
  return context.now?.() ?? new Date();
}

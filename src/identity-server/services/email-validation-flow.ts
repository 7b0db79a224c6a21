import { randomUUID } from "node:crypto";
import { errorNamespace } from "../../errors/index.ts";
import { validateEmail } from "../email/templates.ts";
import { userEvents } from "../events.ts";
import {
  type EmailValidation,
  errValidationTokenUnknown,
  type ValidationEntityRef,
} from "../store/index.ts";
import { newSecretToken, secretTokenHash } from "./secret-tokens.ts";
import { nowOf, type UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/email-validation");
export const errNoUserWithAddress = errors.notFound(
  "no_user_with_address",
  "no user has the validated e-mail address any more",
);

/** The longest validation ID and token The Things Stack accepts. */
const maxTokenLength = 64;

/** What a request for a validation did: sent a new e-mail, or found one sent too recently. */
export interface ValidationRequestOutcome {
  validation: EmailValidation;
  sent: boolean;
}

/**
 * Sends a validation e-mail for `address` on behalf of `entity`: a new token, or, for a
 * validation still pending, a new token under the same ID (its e-mail is sent again) — unless
 * the last e-mail went out less than `user_registration.contact_info_validation.retry_interval`
 * ago (`sent: false`). The token is e-mailed, and kept only as its hash.
 */
export async function requestAddressValidation(
  context: UserFeatureContext,
  request: { entity: ValidationEntityRef; entityWords: string; address: string; name?: string },
): Promise<ValidationRequestOutcome> {
  const { stores, settings } = context;
  const now = nowOf(context);
  const pending = await stores.emailValidations.findPending(request.entity, request.address);
  if (pending && now.getTime() - pending.updatedAt.getTime() < settings.validation.retryIntervalMs)
    return { validation: pending, sent: false };
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + settings.validation.ttlMs);
  const validation = pending
    ? await stores.emailValidations.refresh(pending.id, secretTokenHash(token), expiresAt)
    : await stores.emailValidations.create({
        id: randomUUID(),
        tokenHash: secretTokenHash(token),
        entity: request.entity,
        address: request.address,
        expiresAt,
      });
  context.mailer.send({
    template: "validate",
    to: validation.address,
    toName: request.name,
    ...validateEmail(settings.network, {
      entity: request.entityWords,
      id: validation.id,
      token,
      ttlMs: settings.validation.ttlMs,
      name: request.name,
    }),
  });
  return { validation, sent: true };
}

/**
 * Validates an e-mail address with the ID and token of its e-mail (no credentials needed):
 * the validation is used up, and the user whose primary address it is gets it marked
 * validated, in one transaction.
 */
export async function validateAddress(
  context: UserFeatureContext,
  id: string,
  token: string,
): Promise<void> {
  if (!id || !token || id.length > maxTokenLength || token.length > maxTokenLength)
    throw errValidationTokenUnknown.create({ validation_id: id.slice(0, maxTokenLength) });
  const userId = await context.stores.transact(async (stores) => {
    const validation = await stores.emailValidations.use(id, secretTokenHash(token));
    const owner = await stores.emailValidations.userWithAddress(validation.address);
    if (!owner) throw errNoUserWithAddress.create();
    await stores.users.update(owner, { primaryEmailAddressValidatedAt: nowOf(context) }, [
      "primaryEmailAddressValidatedAt",
    ]);
    return owner;
  });
  context.events.publish(userEvents.update, {
    identifiers: [{ kind: "user", id: userId }],
    data: ["primary_email_address_validated_at"],
  });
}

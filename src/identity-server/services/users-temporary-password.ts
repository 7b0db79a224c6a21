import type { ServiceImpl } from "@connectrpc/connect";
import { errorNamespace } from "../../errors/index.ts";
import type { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { temporaryPasswordEmail } from "../email/templates.ts";
import { userEvents } from "../events.ts";
import { errMissingField } from "./convert.ts";
import { newSecretToken, secretTokenHash } from "./secret-tokens.ts";
import { nowOf, temporaryPasswordTtlMs, type UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/temporary-password");
export const errTemporaryPasswordStillValid = errors.invalidArgument(
  "temporary_password_still_valid",
  "previous temporary password still valid",
);
export const errTemporaryPasswordExpired = errors.unauthenticated(
  "temporary_password_expired",
  "temporary password expired",
);

/** The fields a temporary password changes, as `user.update` events name them. */
export const temporaryPasswordPaths = [
  "temporary_password",
  "temporary_password_created_at",
  "temporary_password_expires_at",
];

/**
 * `UserRegistry.CreateTemporaryPassword`, by The Things Stack's rules: the "forgot my password"
 * entry point, so it needs no credentials. A random temporary password, valid one hour, is
 * e-mailed to the user's primary address and kept only as its hash; while one is valid another
 * is refused (`temporary_password_still_valid`), so at most one e-mail per hour goes to a user.
 * The user then sets a new password with `UpdatePassword`, giving it as the old one.
 */
export function createTemporaryPassword(
  context: UserFeatureContext,
): ServiceImpl<typeof UserRegistry>["createTemporaryPassword"] {
  return async (request) => {
    const userId = request.userIds?.userId;
    if (!userId) throw errMissingField.create({ field: "user_ids.user_id" });
    const user = await context.stores.users.get(userId, {
      fieldMask: ["name", "primaryEmailAddress"],
    });
    const password = newSecretToken();
    const expiresAt = new Date(nowOf(context).getTime() + temporaryPasswordTtlMs);
    const created = await context.stores.temporaryPasswords.create(
      userId,
      secretTokenHash(password),
      expiresAt,
    );
    if (!created) throw errTemporaryPasswordStillValid.create();
    context.events.publish(userEvents.update, {
      identifiers: [{ kind: "user", id: userId }],
      data: temporaryPasswordPaths,
    });
    if (user.primaryEmailAddress) {
      context.mailer.send({
        template: "temporary_password",
        to: user.primaryEmailAddress,
        toName: user.name,
        ...temporaryPasswordEmail(context.settings.network, {
          userId,
          name: user.name,
          password,
          ttlMs: temporaryPasswordTtlMs,
        }),
      });
    }
    return {};
  };
}

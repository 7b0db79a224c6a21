import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { authenticate } from "../../auth/authenticate.ts";
import type { Caller } from "../../auth/caller.ts";
import { errorNamespace } from "../../errors/index.ts";
import type { UserAccess } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { loginTokenEmail } from "../email/templates.ts";
import { isAdmin } from "./context.ts";
import { errMissingField } from "./convert.ts";
import { newSecretToken, secretTokenHash } from "./secret-tokens.ts";
import { maxActiveLoginTokens, nowOf, type UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/login-tokens");
export const errLoginTokensDisabled = errors.failedPrecondition(
  "login_tokens_disabled",
  "login tokens are disabled",
);
export const errLoginTokensStillValid = errors.alreadyExists(
  "login_tokens_still_valid",
  "previously created login token still valid",
);

/** The caller of a request that may come without credentials; bad credentials still fail. */
export async function optionalCaller(
  context: UserFeatureContext,
  handler: HandlerContext,
): Promise<Caller | undefined> {
  return authenticate(handler.requestHeader.get("authorization"), context.lookup);
}

/**
 * `UserAccess.CreateLoginToken`, by The Things Stack's rules: a one-time login token, valid for
 * `login_tokens.token_ttl`, e-mailed to the user; anyone may ask (the token only reaches the
 * user's mailbox), at most five tokens are active per user (`login_tokens_still_valid`), and
 * only when `login_tokens.enabled`. An admin caller may skip the e-mail and gets the token back
 * when the user is not an admin. The token is kept only as its hash.
 */
export function createLoginToken(
  context: UserFeatureContext,
): ServiceImpl<typeof UserAccess>["createLoginToken"] {
  return async (request, handler) => {
    const { settings, stores } = context;
    if (!settings.loginTokens.enabled) throw errLoginTokensDisabled.create();
    const userId = request.userIds?.userId;
    if (!userId) throw errMissingField.create({ field: "user_ids.user_id" });
    const caller = await optionalCaller(context, handler);
    const admin = caller !== undefined && (await isAdmin(context, caller));
    const user = await stores.users.get(userId, {
      fieldMask: ["admin", "name", "primaryEmailAddress"],
    });
    const token = newSecretToken();
    const expiresAt = new Date(nowOf(context).getTime() + settings.loginTokens.ttlMs);
    const created = await stores.loginTokens.create(
      { tokenHash: secretTokenHash(token), userId, expiresAt },
      maxActiveLoginTokens,
    );
    if (!created) throw errLoginTokensStillValid.create();
    if (!(admin && request.skipEmail) && user.primaryEmailAddress) {
      context.mailer.send({
        template: "login_token",
        to: user.primaryEmailAddress,
        toName: user.name,
        ...loginTokenEmail(settings.network, {
          userId,
          name: user.name,
          token,
          ttlMs: settings.loginTokens.ttlMs,
        }),
      });
    }
    return { token: admin && user.admin !== true ? token : "" };
  };
}

import { z } from "zod";
import { boolean, duration } from "../config/index.ts";

/**
 * The Identity Server's keys for login tokens, invitations and e-mail validation (The Things
 * Stack's `is.login-tokens.*` and `is.user-registration.*`).
 */
export const userFeatureConfigShape = {
  login_tokens: z
    .strictObject({
      enabled: boolean(false, "let users ask for one-time login tokens by e-mail"),
      token_ttl: duration("1h", "how long a login token is valid"),
    })
    .prefault({}),
  user_registration: z
    .strictObject({
      invitation: z
        .strictObject({
          token_ttl: duration("168h", "how long an invitation to register is valid"),
        })
        .prefault({}),
      contact_info_validation: z
        .strictObject({
          token_ttl: duration("48h", "how long an e-mail validation token is valid"),
          retry_interval: duration(
            "1h",
            "how long before a validation e-mail may be sent again for the same address",
          ),
        })
        .prefault({}),
    })
    .prefault({}),
};

import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { errorNamespace } from "../../errors/index.ts";
import {
  type EmailValidationRegistry,
  EmailValidationSchema,
} from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { authorize } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";
import { requestAddressValidation, validateAddress } from "./email-validation-flow.ts";
import type { UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/email-validation-registry");
export const errValidationRequestForbidden = errors.permissionDenied(
  "validation_request_forbidden",
  "validation request forbidden because it was already sent, wait `{retry_interval}` before retrying",
);

/**
 * `EmailValidationRegistry`: validation of a user's primary e-mail address, as in The Things
 * Stack. Asking takes `RIGHT_USER_SETTINGS_BASIC` and sends a token to the address (again at
 * most once per retry interval: `validation_request_forbidden` before that); validating takes
 * the ID and token of the e-mail and no credentials.
 */
export function emailValidationRegistry(
  context: UserFeatureContext,
): Partial<ServiceImpl<typeof EmailValidationRegistry>> {
  return {
    async requestValidation(request, handler) {
      if (!request.userId) throw errMissingField.create({ field: "user_id" });
      const entity = { kind: "user" as const, id: request.userId };
      await authorize(context, handler, entity, ["RIGHT_USER_SETTINGS_BASIC"]);
      const user = await context.stores.users.get(request.userId, {
        fieldMask: ["name", "primaryEmailAddress"],
      });
      if (!user.primaryEmailAddress)
        throw errMissingField.create({ field: "primary_email_address" });
      const outcome = await requestAddressValidation(context, {
        entity,
        entityWords: `your user ${request.userId}`,
        address: user.primaryEmailAddress,
        name: user.name,
      });
      if (!outcome.sent) {
        throw errValidationRequestForbidden.create({
          retry_interval: `${context.settings.validation.retryIntervalMs / 1000}s`,
        });
      }
      const { validation } = outcome;
      return create(EmailValidationSchema, {
        id: validation.id,
        address: validation.address,
        createdAt: toTimestamp(validation.createdAt),
        updatedAt: toTimestamp(validation.updatedAt),
        expiresAt: toTimestamp(validation.expiresAt),
      });
    },

    async validate(request) {
      await validateAddress(context, request.id, request.token);
      return {};
    },
  };
}

import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { expandRights } from "../../auth/rights/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import { InvitationSchema, InvitationsSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { UserInvitationRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { invitationEmail } from "../email/templates.ts";
import { validateEmail } from "../ids/index.ts";
import type { Invitation } from "../store/index.ts";
import { callerOf, isAdmin } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";
import { newSecretToken, secretTokenHash } from "./secret-tokens.ts";
import { nowOf, type UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/invitations");
export const errNoInviteRights = errors.permissionDenied(
  "no_invite_rights",
  "no rights for inviting users",
);

function toMessage(invitation: Invitation, token = "") {
  return create(InvitationSchema, {
    email: invitation.email,
    token,
    expiresAt: toTimestamp(invitation.expiresAt),
    createdAt: toTimestamp(invitation.createdAt),
    updatedAt: toTimestamp(invitation.updatedAt),
    acceptedAt: toTimestamp(invitation.acceptedAt),
    acceptedBy: invitation.acceptedBy ? { userId: invitation.acceptedBy } : undefined,
  });
}

/**
 * `UserInvitationRegistry`: invitations to register, as in The Things Stack, where sending,
 * listing and deleting them takes the universal right `RIGHT_SEND_INVITES`, which only admins
 * hold (here: an admin whose credential carries it, as a key with `RIGHT_ALL` does). The token
 * is e-mailed to the address and answered to the admin once, on sending; the store keeps only
 * its hash, so lists never show tokens. A token lets one user register
 * (`UserRegistry.Create` with `invitation_token`) before `user_registration.invitation.token_ttl`.
 */
export function userInvitationRegistry(
  context: UserFeatureContext,
): Partial<ServiceImpl<typeof UserInvitationRegistry>> {
  async function requireInviter(handler: HandlerContext): Promise<string | undefined> {
    const caller = await callerOf(context, handler);
    const allowed =
      expandRights(caller.rights).has("RIGHT_SEND_INVITES") && (await isAdmin(context, caller));
    if (!allowed) throw errNoInviteRights.create();
    if (caller.kind === "user") return caller.userId;
    return caller.owner.kind === "user" ? caller.owner.id : undefined;
  }

  return {
    async send(request, handler) {
      const sentBy = await requireInviter(handler);
      if (!request.email) throw errMissingField.create({ field: "email" });
      validateEmail(request.email, "email");
      const token = newSecretToken();
      const ttlMs = context.settings.invitationTtlMs;
      const invitation = await context.stores.invitations.create({
        email: request.email,
        tokenHash: secretTokenHash(token),
        sentBy,
        expiresAt: new Date(nowOf(context).getTime() + ttlMs),
      });
      context.mailer.send({
        template: "invitation",
        to: invitation.email,
        ...invitationEmail(context.settings.network, { token, ttlMs, sentBy }),
      });
      return toMessage(invitation, token);
    },

    async list(request, handler) {
      await requireInviter(handler);
      const page = await context.stores.invitations.list(requestedPage(request));
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(InvitationsSchema, {
        invitations: page.items.map((invitation) => toMessage(invitation)),
      });
    },

    async delete(request, handler) {
      await requireInviter(handler);
      if (!request.email) throw errMissingField.create({ field: "email" });
      await context.stores.invitations.delete(request.email);
      return {};
    },
  };
}

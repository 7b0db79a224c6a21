import { create } from "@bufbuild/protobuf";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { authenticate } from "../../auth/authenticate.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import { errNoCredentials } from "../../auth/errors.ts";
import { errorNamespace } from "../../errors/index.ts";
import { State, StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  type User as UserMessage,
  UserSchema,
  UsersSchema,
} from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { passwordChangedEmail } from "../email/templates.ts";
import { userEvents } from "../events.ts";
import { checkIdNotReserved, validateEmail, validateId } from "../ids/index.ts";
import { hashPassword, validatePassword, verifyPassword } from "../passwords/index.ts";
import type { User, UserFields } from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import {
  authorize,
  callerOf,
  isAdmin,
  requireAdmin as requireAdminCaller,
  type ServiceContext,
} from "./context.ts";
import { errMissingField, fromTimestamp, maskFields, toTimestamp } from "./convert.ts";
import { requestAddressValidation } from "./email-validation-flow.ts";
import { entityLifecycle } from "./lifecycle.ts";
import { parseOrder } from "./order.ts";
import { present, readAccess } from "./public-read.ts";
import { secretTokenHash } from "./secret-tokens.ts";
import type { UserFeatureContext } from "./user-features.ts";
import { createLoginToken } from "./users-login-tokens.ts";
import {
  createTemporaryPassword,
  errTemporaryPasswordExpired,
  temporaryPasswordPaths,
} from "./users-temporary-password.ts";

const errors = errorNamespace("identity-server/users");
/** Only admins create users until self-registration and invitations are configurable. */
export const errCreateUserAdminOnly = errors.permissionDenied(
  "create_user_admin_only",
  "only admins can create users on this network",
);
/** A field of a user that only admins may set. */
export const errUpdateUserAdminField = errors.permissionDenied(
  "user_update_admin_field",
  "only admins can update the `{field}` field of a user",
);
/** UpdatePassword with an old password that does not match. */
export const errIncorrectPassword = errors.unauthenticated(
  "old_password",
  "incorrect old password",
);
export const errUnknownState = errors.invalidArgument(
  "unknown_state",
  "unknown user state `{state}`",
);

/** API field paths of a user and the domain fields they name (the password is not one). */
const fields: Record<string, keyof UserFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  primary_email_address: "primaryEmailAddress",
  primary_email_address_validated_at: "primaryEmailAddressValidatedAt",
  require_password_update: "requirePasswordUpdate",
  state: "state",
  state_description: "stateDescription",
  admin: "admin",
};
/** Fields only admins may change. */
const adminFields: (keyof UserFields)[] = [
  "primaryEmailAddressValidatedAt",
  "requirePasswordUpdate",
  "state",
  "stateDescription",
  "admin",
];
/** Paths a read may name besides the fields: identifiers and timestamps are always returned. */
const readable: Record<string, keyof UserFields> = {
  ...fields,
  password_updated_at: "passwordUpdatedAt",
};
/** Paths a read may name that return nothing: write-only secrets and what is not stored yet. */
const neverReturned = [
  "ids",
  "created_at",
  "updated_at",
  "deleted_at",
  "contact_info",
  "password",
  "temporary_password",
  "temporary_password_created_at",
  "temporary_password_expires_at",
  "profile_picture",
  "console_preferences",
];

function readMask(mask: FieldMask | undefined): (keyof UserFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: mask.paths.filter((path) => !neverReturned.includes(path.split(".")[0] as string)),
  } as FieldMask;
  return maskFields<UserFields>(wanted, readable);
}

function stateName(state: State): string {
  const value = StateSchema.values.find((candidate) => candidate.number === state);
  if (!value) throw errUnknownState.create({ state });
  return value.name;
}

function stateNumber(name: string | undefined): State {
  const value = StateSchema.values.find((candidate) => candidate.name === name);
  return (value?.number as State | undefined) ?? State.REQUESTED;
}

/** The API message of a user; never with the password (hash) or temporary password. */
function toMessage(user: User, mask?: (keyof UserFields)[]): UserMessage {
  const show = (field: keyof UserFields) => !mask || mask.includes(field);
  return create(UserSchema, {
    ids: { userId: user.userId },
    createdAt: toTimestamp(user.createdAt),
    updatedAt: toTimestamp(user.updatedAt),
    deletedAt: toTimestamp(user.deletedAt),
    name: show("name") ? (user.name ?? "") : "",
    description: show("description") ? (user.description ?? "") : "",
    attributes: show("attributes") ? (user.attributes ?? {}) : {},
    primaryEmailAddress: show("primaryEmailAddress") ? (user.primaryEmailAddress ?? "") : "",
    primaryEmailAddressValidatedAt: show("primaryEmailAddressValidatedAt")
      ? toTimestamp(user.primaryEmailAddressValidatedAt)
      : undefined,
    passwordUpdatedAt: show("passwordUpdatedAt") ? toTimestamp(user.passwordUpdatedAt) : undefined,
    requirePasswordUpdate: show("requirePasswordUpdate")
      ? user.requirePasswordUpdate === true
      : false,
    state: show("state") ? stateNumber(user.state) : State.REQUESTED,
    stateDescription: show("stateDescription") ? (user.stateDescription ?? "") : "",
    admin: show("admin") ? user.admin === true : false,
  });
}

/** The settable fields of a user message (not the password: see create and UpdatePassword). */
function toFields(message: UserMessage | undefined): UserFields {
  const email = message?.primaryEmailAddress.trim().toLowerCase() ?? "";
  return {
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    primaryEmailAddress: email || undefined,
    primaryEmailAddressValidatedAt: fromTimestamp(
      message?.primaryEmailAddressValidatedAt as Timestamp | undefined,
    ),
    requirePasswordUpdate: message?.requirePasswordUpdate || undefined,
    state: message ? stateName(message.state) : undefined,
    stateDescription: message?.stateDescription || undefined,
    admin: message?.admin || undefined,
  };
}

function userId(ids: { userId: string } | undefined): string {
  if (!ids?.userId) throw errMissingField.create({ field: "user_ids.user_id" });
  return ids.userId;
}

/**
 * The UserRegistry service: create (admins, or anyone with an invitation token), read, list,
 * update, password (old or temporary password), delete, restore and purge. With `features`,
 * also the temporary password, and the e-mails of registration and password changes.
 */
export function userRegistry(
  context: ServiceContext,
  features?: UserFeatureContext,
): Partial<ServiceImpl<typeof UserRegistry>> {
  const { stores, events } = context;
  const ref = (id: string) => ({ kind: "user" as const, id });

  async function requireAdmin(handler: Parameters<typeof callerOf>[1], id: string) {
    const caller = await callerOf(context, handler);
    await requireAdminCaller(context, caller, { kind: "user", id });
    return caller;
  }

  const lifecycle = entityLifecycle(context, {
    kind: "user",
    store: stores.users,
    deleteRight: "RIGHT_USER_DELETE",
    infoRight: "RIGHT_USER_INFO",
  });
  return {
    async create(request, handler) {
      // Admins create users; anyone else only with an invitation token (The Things Stack's
      // registration by invitation), which the new user's account then uses up.
      const caller = await authenticate(handler.requestHeader.get("authorization"), context.lookup);
      const admin = caller !== undefined && (await isAdmin(context, caller));
      const invitationToken = request.invitationToken;
      if (!admin && !invitationToken) {
        if (!caller) throw errNoCredentials.create();
        throw errCreateUserAdminOnly.create();
      }
      const id = request.user?.ids?.userId ?? "";
      validateId("user", id);
      validate("user", request.user);
      checkIdNotReserved("user", id);
      const given = toFields(request.user);
      if (!given.primaryEmailAddress)
        throw errMissingField.create({ field: "user.primary_email_address" });
      validateEmail(given.primaryEmailAddress);
      const password = request.user?.password ?? "";
      if (!password) throw errMissingField.create({ field: "user.password" });
      validatePassword(password, { userId: id });
      const fields: UserFields = admin
        ? {
            ...given,
            // proto3 cannot tell an unset state from STATE_REQUESTED: unset means approved.
            state: request.user?.state ? given.state : "STATE_APPROVED",
          }
        : {
            // A user who registers chooses none of what admins decide.
            ...given,
            primaryEmailAddressValidatedAt: undefined,
            requirePasswordUpdate: undefined,
            state: "STATE_APPROVED",
            stateDescription: undefined,
            admin: undefined,
          };
      // An anonymous registration costs a password hash only with a token that works.
      if (!admin && invitationToken)
        await stores.invitations.check(secretTokenHash(invitationToken));
      const hashed = await hashPassword(password);
      const { user, invited } = await stores.transact(async (transaction) => {
        const invitation =
          !admin && invitationToken
            ? await transaction.invitations.accept(secretTokenHash(invitationToken), id)
            : undefined;
        // The invitation reached this address: it is validated by that.
        const invited = invitation?.email === given.primaryEmailAddress;
        const user = await transaction.users.create(id, {
          ...fields,
          ...(invited ? { primaryEmailAddressValidatedAt: new Date() } : {}),
          password: hashed,
          passwordUpdatedAt: new Date(),
        });
        return { user, invited: invitation !== undefined && invited };
      });
      events.publish(userEvents.create, { identifiers: [ref(id)] });
      if (features && !admin && !invited && user.primaryEmailAddress) {
        await requestAddressValidation(features, {
          entity: ref(id),
          entityWords: `your user ${id}`,
          address: user.primaryEmailAddress,
          name: user.name,
        });
      }
      return toMessage(user);
    },

    async get(request, handler) {
      const id = userId(request.userIds);
      const mask = readMask(request.fieldMask);
      const { view } = await readAccess(context, handler, ref(id), request.fieldMask);
      const user = await stores.users.get(id, { fieldMask: mask });
      return present("user", UserSchema, toMessage(user, mask), view);
    },

    async list(request, handler) {
      await requireAdmin(handler, "*");
      const mask = readMask(request.fieldMask);
      const page = await stores.users.list({
        ...requestedPage(request),
        order: parseOrder(request.order, "user_id"),
        onlyDeleted: request.deleted,
      });
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(UsersSchema, { users: page.items.map((item) => toMessage(item, mask)) });
    },

    async update(request, handler) {
      const id = userId(request.user?.ids);
      validate("user", request.user, { paths: request.fieldMask?.paths ?? [] });
      const { caller } = await authorize(context, handler, ref(id), ["RIGHT_USER_SETTINGS_BASIC"]);
      const mask = maskFields<UserFields>(request.fieldMask, fields);
      const admin = await isAdmin(context, caller);
      if (!admin) {
        const field = adminFields.find((candidate) => mask.includes(candidate));
        if (field) {
          const path = Object.keys(fields).find((key) => fields[key] === field);
          throw errUpdateUserAdminField.create({ field: path });
        }
      }
      const patch = toFields(request.user);
      if (mask.includes("primaryEmailAddress")) {
        if (!patch.primaryEmailAddress)
          throw errMissingField.create({ field: "user.primary_email_address" });
        validateEmail(patch.primaryEmailAddress);
        const current = await stores.users.get(id, { fieldMask: ["primaryEmailAddress"] });
        // A new address is not validated, unless an admin says it is in the same update.
        if (
          current.primaryEmailAddress !== patch.primaryEmailAddress &&
          !mask.includes("primaryEmailAddressValidatedAt")
        ) {
          mask.push("primaryEmailAddressValidatedAt");
          patch.primaryEmailAddressValidatedAt = undefined;
        }
      }
      const user = await stores.users.update(id, patch, mask);
      events.publish(userEvents.update, {
        identifiers: [ref(id)],
        data: request.fieldMask?.paths ?? [],
      });
      return toMessage(user);
    },

    async updatePassword(request, handler) {
      const id = userId(request.userIds);
      // As The Things Stack: the old password (or a temporary one) authorizes the change. A
      // caller with credentials also needs all rights on the user; without credentials only a
      // temporary password is accepted, so that anonymous calls never cost a password hash.
      const caller = await authenticate(handler.requestHeader.get("authorization"), context.lookup);
      if (caller) await requireRightsOn(caller, ref(id), ["RIGHT_USER_ALL"], context.lookup);
      if (!request.new) throw errMissingField.create({ field: "new" });
      validatePassword(request.new, { userId: id });
      const oldHash = secretTokenHash(request.old);
      const temporary = await stores.temporaryPasswords.check(id, oldHash);
      if (temporary === "expired") throw errTemporaryPasswordExpired.create();
      if (temporary === "mismatch") {
        if (!caller) throw errIncorrectPassword.create();
        const current = await stores.users.get(id, { fieldMask: ["password"] });
        if (!request.old || !(await verifyPassword(request.old, current.password ?? "")))
          throw errIncorrectPassword.create();
      }
      const hashed = await hashPassword(request.new);
      const paths: (keyof UserFields)[] = [
        "password",
        "passwordUpdatedAt",
        "requirePasswordUpdate",
      ];
      await stores.transact(async (transaction) => {
        // A temporary password works once: a concurrent change with it finds it gone.
        if (
          temporary === "valid" &&
          (await transaction.temporaryPasswords.use(id, oldHash)) !== "used"
        )
          throw errIncorrectPassword.create();
        await transaction.users.update(
          id,
          { password: hashed, passwordUpdatedAt: new Date() },
          paths,
        );
        if (request.revokeAllAccess) await transaction.sessions.deleteAll(id, { tokens: true });
      });
      events.publish(userEvents.update, {
        identifiers: [ref(id)],
        data: [
          "password",
          "password_updated_at",
          "require_password_update",
          ...(temporary === "valid" ? temporaryPasswordPaths : []),
        ],
      });
      if (features) {
        const user = await stores.users.get(id, { fieldMask: ["name", "primaryEmailAddress"] });
        if (user.primaryEmailAddress) {
          features.mailer.send({
            template: "password_changed",
            to: user.primaryEmailAddress,
            toName: user.name,
            ...passwordChangedEmail(features.settings.network, { userId: id, name: user.name }),
          });
        }
      }
      return {};
    },

    delete: (request, handler) => lifecycle.delete(userId(request), handler),
    restore: (request, handler) => lifecycle.restore(userId(request), handler),
    purge: (request, handler) => lifecycle.purge(userId(request), handler),
  };
}

/** The UserAccess service: rights and API keys of a user (users have no collaborators). */
export function userAccess(context: ServiceContext): Partial<ServiceImpl<typeof UserAccess>> {
  const access = entityAccess(context, "user", {
    apiKeys: "RIGHT_USER_SETTINGS_API_KEYS",
    // Unused: entityAccess refuses collaborators of users, and UserAccess has no such methods.
    collaborators: "RIGHT_USER_ALL",
  });
  return {
    listRights: (request, handler) => access.listRights(userId(request), handler),
    createAPIKey: (request, handler) =>
      access.createApiKey(userId(request.userIds), request, handler),
    listAPIKeys: (request, handler) =>
      access.listApiKeys(userId(request.userIds), request, handler),
    getAPIKey: (request, handler) =>
      access.getApiKey(userId(request.userIds), request.keyId, handler),
    updateAPIKey: (request, handler) =>
      access.updateApiKey(userId(request.userIds), request.apiKey, request.fieldMask, handler),
    deleteAPIKey: async (request, handler) => {
      await access.deleteApiKey(userId(request.userIds), request.keyId, handler);
      return {};
    },
  };
}

/**
 * Registers UserRegistry and UserAccess on the API; with `features`, their methods that send
 * e-mail too (temporary passwords, login tokens).
 */
export function registerUserServices(
  api: ApiRegistry,
  services: ServiceContext,
  features?: UserFeatureContext,
): void {
  const registry = userRegistry(services, features);
  const access = userAccess(services);
  if (features) {
    registry.createTemporaryPassword = createTemporaryPassword(features);
    access.createLoginToken = createLoginToken(features);
  }
  api.register(UserRegistry, registry);
  api.register(UserAccess, access);
}

/** How users read as API messages (field mask, conversion), for search. */
export const userMessages = { readMask, toMessage };

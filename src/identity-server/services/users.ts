import { create } from "@bufbuild/protobuf";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { errNoRights } from "../../auth/errors.ts";
import { errorNamespace } from "../../errors/index.ts";
import { State, StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  type User as UserMessage,
  UserSchema,
  UsersSchema,
} from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { userEvents } from "../events.ts";
import { checkIdNotReserved, validateEmail, validateId } from "../ids/index.ts";
import { hashPassword, validatePassword, verifyPassword } from "../passwords/index.ts";
import type { User, UserFields } from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import { authorize, callerOf, isAdmin, type ServiceContext } from "./context.ts";
import { errMissingField, fromTimestamp, maskFields, toTimestamp } from "./convert.ts";
import { entityLifecycle } from "./lifecycle.ts";
import { parseOrder } from "./order.ts";

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

/** The UserRegistry service: create, read, list, update, password, delete, restore and purge. */
export function userRegistry(context: ServiceContext): Partial<ServiceImpl<typeof UserRegistry>> {
  const { stores, events } = context;
  const ref = (id: string) => ({ kind: "user" as const, id });

  async function requireAdmin(handler: Parameters<typeof callerOf>[1], id: string) {
    const caller = await callerOf(context, handler);
    if (!(await isAdmin(context, caller)))
      throw errNoRights.create({ entity_kind: "user", entity_id: id });
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
      const caller = await callerOf(context, handler);
      if (!(await isAdmin(context, caller))) throw errCreateUserAdminOnly.create();
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
      const user = await stores.users.create(id, {
        ...given,
        // proto3 cannot tell an unset state from STATE_REQUESTED: unset means approved.
        state: request.user?.state ? given.state : "STATE_APPROVED",
        password: await hashPassword(password),
        passwordUpdatedAt: new Date(),
      });
      events.publish(userEvents.create, { identifiers: [ref(id)] });
      return toMessage(user);
    },

    async get(request, handler) {
      const id = userId(request.userIds);
      await authorize(context, handler, ref(id), ["RIGHT_USER_INFO"]);
      const mask = readMask(request.fieldMask);
      return toMessage(await stores.users.get(id, { fieldMask: mask }), mask);
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
      // As The Things Stack: changing the password takes all rights on the user and the old
      // password, also for admins (who can reset passwords with temporary passwords instead).
      await authorize(context, handler, ref(id), ["RIGHT_USER_ALL"]);
      if (!request.new) throw errMissingField.create({ field: "new" });
      validatePassword(request.new, { userId: id });
      const current = await stores.users.get(id, { fieldMask: ["password"] });
      if (!request.old || !(await verifyPassword(request.old, current.password ?? "")))
        throw errIncorrectPassword.create();
      const paths: (keyof UserFields)[] = [
        "password",
        "passwordUpdatedAt",
        "requirePasswordUpdate",
      ];
      await stores.users.update(
        id,
        { password: await hashPassword(request.new), passwordUpdatedAt: new Date() },
        paths,
      );
      events.publish(userEvents.update, {
        identifiers: [ref(id)],
        data: ["password", "password_updated_at", "require_password_update"],
      });
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

/** Registers UserRegistry and UserAccess on the API. */
export function registerUserServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(UserRegistry, userRegistry(services));
  api.register(UserAccess, userAccess(services));
}

/** How users read as API messages (field mask, conversion), for search. */
export const userMessages = { readMask, toMessage };

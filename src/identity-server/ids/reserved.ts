import { errForbiddenId } from "./errors.ts";
import { type IdKind, idFields } from "./id.ts";

/**
 * IDs that can not be registered for users, organizations, applications, gateways and
 * clients. The Things Stack refuses such IDs at creation (error `forbidden_id`) with a
 * longer built-in list; ours holds only names that would collide with our API and pages,
 * our components or administrative roles, every one of them also refused by The Things
 * Stack, so no entity that exists there is refused when it is migrated here.
 */
export const reservedIds: ReadonlySet<string> = new Set([
  // Administrative and system accounts.
  "admin",
  "administrator",
  "admins",
  "moderator",
  "official",
  "owner",
  "root",
  "security",
  "staff",
  "superuser",
  "support",
  "sysadmin",
  "system",
  // Words that read as something other than an entity.
  "all",
  "null",
  "self",
  "this",
  "undef",
  "example",
  "test",
  "localhost",
  "www",
  // API resources and actions.
  "account",
  "accounts",
  "api",
  "api-key",
  "api-keys",
  "apikey",
  "apikeys",
  "app",
  "application",
  "applications",
  "apps",
  "client",
  "clients",
  "collaborator",
  "collaborators",
  "config",
  "configuration",
  "create",
  "delete",
  "device",
  "devices",
  "edit",
  "end-device",
  "end-devices",
  "event",
  "events",
  "frequency-plan",
  "frequency-plans",
  "gateway",
  "gateways",
  "gtw",
  "gtws",
  "invitations",
  "invite",
  "list",
  "member",
  "members",
  "metrics",
  "new",
  "notification",
  "notifications",
  "org",
  "organization",
  "organizations",
  "orgs",
  "search",
  "settings",
  "status",
  "update",
  "user",
  "username",
  "users",
  "webhook",
  "webhooks",
  // Sign-in and OAuth pages.
  "auth",
  "authentication",
  "console",
  "dashboard",
  "login",
  "logout",
  "oauth",
  "openid",
  "password",
  "register",
  "session",
  "sessions",
  "signin",
  "signup",
  // Components, protocols and product names.
  "applicationserver",
  "basicstation",
  "cli",
  "cups",
  "gatewayserver",
  "identityserver",
  "joinserver",
  "lora",
  "lorawan",
  "lorawan-stack",
  "networkserver",
  "packetbroker",
  "the-things-network",
  "the-things-stack",
  "thethingsnetwork",
  "thethingsstack",
  "tti",
  "ttn",
  "tts",
]);

/** The kinds whose IDs are checked against the reserved list (devices are not). */
export type ReservableKind = Exclude<IdKind, "device">;

/** Whether `id` is reserved, by the built-in list or by `extra` (configured by operators). */
export function isReservedId(id: string, extra?: ReadonlySet<string>): boolean {
  return reservedIds.has(id) || (extra?.has(id) ?? false);
}

/**
 * Throws `forbidden_id` (invalid argument) if `id` is reserved. Call this when an entity is
 * created, never when one is looked up, so existing entities stay reachable.
 */
export function checkIdNotReserved(
  kind: ReservableKind,
  id: string,
  extra?: ReadonlySet<string>,
): void {
  if (isReservedId(id, extra)) throw errForbiddenId.create({ field: idFields[kind], value: id });
}

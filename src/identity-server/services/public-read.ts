import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { requireActiveAccount, requireRightsOn } from "../../auth/authorize.ts";
import type { Caller } from "../../auth/caller.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { EntityRef } from "../../events/index.ts";
import {
  type Gateway as GatewayMessage,
  GatewaySchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { applyFieldMask } from "../../storage/message-store/field-mask.ts";
import { callerOf, callerRightsOn, type ServiceContext } from "./context.ts";

/** The kinds of entity with fields that every authenticated caller may read. */
export type PublicKind = "application" | "client" | "gateway" | "organization" | "user";

/** Fields of every entity that are public (contact info: only its public entries). */
const entityPaths = ["ids", "created_at", "updated_at", "deleted_at", "contact_info"];

/**
 * The fields of each kind that a caller without its `_INFO` right may read, as The Things
 * Stack's `Public<Kind>Fields` (`pkg/ttnpb/public.go`). A gateway's server address is public
 * only with `status_public`, its antenna locations only with `location_public`.
 */
export const publicPaths: Readonly<Record<PublicKind, readonly string[]>> = {
  application: [...entityPaths, "administrative_contact", "technical_contact"],
  client: [
    ...entityPaths,
    "name",
    "description",
    "redirect_uris",
    "logout_redirect_uris",
    "state",
    "skip_authorization",
    "endorsed",
    "grants",
    "rights",
    "administrative_contact",
    "technical_contact",
  ],
  gateway: [
    ...entityPaths,
    "name",
    "description",
    "frequency_plan_id",
    "frequency_plan_ids",
    "status_public",
    "gateway_server_address",
    "location_public",
    "antennas",
    "lrfhss.supported",
    "administrative_contact",
    "technical_contact",
  ],
  organization: [...entityPaths, "name", "administrative_contact", "technical_contact"],
  user: [...entityPaths, "name", "description", "state", "admin", "profile_picture"],
};

/** The right that reads the whole entity. */
export const infoRights: Readonly<Record<PublicKind, RightName>> = {
  application: "RIGHT_APPLICATION_INFO",
  client: "RIGHT_CLIENT_INFO",
  gateway: "RIGHT_GATEWAY_INFO",
  organization: "RIGHT_ORGANIZATION_INFO",
  user: "RIGHT_USER_INFO",
};

/** Whether every path is a public path or inside one (`ids.eui` is inside `ids`). */
export function onlyPublicPaths(paths: readonly string[], allowed: readonly string[]): boolean {
  return paths.every((path) =>
    allowed.some((public_) => path === public_ || path.startsWith(`${public_}.`)),
  );
}

/** How much of an entity a caller may see: all that it asked for, or its public fields. */
export type ReadView = "full" | "public";

/**
 * The rights check of a Get, as The Things Stack's: a caller with the kind's `_INFO` right
 * reads what it asks for; an authenticated caller without it (whose account is active) reads
 * the public fields when it asks for no field or only public ones; any other field is the
 * rights error (403).
 */
export async function readAccess(
  context: ServiceContext,
  handler: HandlerContext,
  entity: EntityRef & { kind: PublicKind },
  mask: FieldMask | undefined,
): Promise<{ caller: Caller; rights: Set<RightName>; view: ReadView }> {
  const caller = await callerOf(context, handler);
  const rights = await callerRightsOn(context, caller, entity);
  const info = infoRights[entity.kind];
  if (rights.has(info)) return { caller, rights, view: "full" };
  if (!onlyPublicPaths(mask?.paths ?? [], publicPaths[entity.kind])) {
    // Throws the rights error (no_rights, missing_rights or the account state's refusal).
    return {
      caller,
      rights: await requireRightsOn(caller, entity, [info], context.lookup),
      view: "full",
    };
  }
  await requireActiveAccount(caller, context.lookup);
  return { caller, rights, view: "public" };
}

/** The view of an entity in a list, from the caller's rights on it. */
export function listView(kind: PublicKind, rights: ReadonlySet<RightName>): ReadView {
  return rights.has(infoRights[kind]) ? "full" : "public";
}

/**
 * The message as `view` lets the caller see it: unchanged, or only its public fields (with
 * only the public entries of its contact info).
 */
export function present<D extends DescMessage>(
  kind: PublicKind,
  schema: D,
  message: MessageShape<D>,
  view: ReadView,
): MessageShape<D> {
  if (view === "full") return message;
  const safe = applyFieldMask(schema, message, publicPaths[kind]);
  const contacts = (safe as { contactInfo?: { public: boolean }[] }).contactInfo;
  if (contacts) contacts.splice(0, contacts.length, ...contacts.filter((info) => info.public));
  return safe;
}

/** The stored flags of a gateway that open fields to others. */
export interface GatewayFlags {
  statusPublic?: boolean;
  locationPublic?: boolean;
}

/** The stored fields a gateway read needs, whatever its field mask (see {@link GatewayFlags}). */
export const gatewayFlags = ["statusPublic", "locationPublic"] as const;

/** Gateway fields that hold secrets, and their API paths. */
const gatewaySecrets = [
  ["lbsLnsSecret", "lbs_lns_secret"],
  ["claimAuthenticationCode", "claim_authentication_code"],
  ["targetCupsKey", "target_cups_key"],
] as const;

/**
 * A gateway as the caller may see it: {@link present}, then what its stored flags and the
 * caller's rights open. Without `status_public`, the public view has no server address. Antenna
 * locations need `location_public` or `RIGHT_GATEWAY_LOCATION_READ` in every view (stricter
 * than The Things Stack, which shows them to every holder of `RIGHT_GATEWAY_INFO`). Secrets
 * need a field mask naming them and `RIGHT_GATEWAY_READ_SECRETS`.
 */
export function presentGateway(
  message: GatewayMessage,
  flags: GatewayFlags,
  view: ReadView,
  rights: ReadonlySet<RightName>,
  mask: FieldMask | undefined,
): GatewayMessage {
  const gateway = present("gateway", GatewaySchema, message, view);
  if (view === "public" && !flags.statusPublic) gateway.gatewayServerAddress = "";
  if (!flags.locationPublic && !rights.has("RIGHT_GATEWAY_LOCATION_READ"))
    for (const antenna of gateway.antennas) antenna.location = undefined;
  const paths = mask?.paths ?? [];
  const readsSecrets = rights.has("RIGHT_GATEWAY_READ_SECRETS");
  for (const [field, path] of gatewaySecrets) {
    const named = paths.some((p) => p === path || p.startsWith(`${path}.`));
    if (!named || !readsSecrets) gateway[field] = undefined;
  }
  return gateway;
}

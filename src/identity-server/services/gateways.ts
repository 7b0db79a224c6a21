import { create, type DescEnum } from "@bufbuild/protobuf";
import {
  type Duration,
  type FieldMask,
  timestampDate,
  timestampFromDate,
} from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { isPeerCall } from "../../api/cluster-keys.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import { errMissingRights, errNoRights } from "../../auth/errors.ts";
import { errorNamespace } from "../../errors/index.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import {
  type ContactInfo as ContactInfoMessage,
  ContactMethodSchema,
  ContactTypeSchema,
} from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { DownlinkPathConstraintSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  type GatewayAntenna as GatewayAntennaMessage,
  GatewayAntennaPlacementSchema,
  type Gateway as GatewayMessage,
  GatewaySchema,
  GatewaysSchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import {
  type GatewayIdentifiers,
  GatewayIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type Location as LocationMessage,
  LocationSchema,
  LocationSourceSchema,
} from "../../gen/ttn/lorawan/v3/metadata_pb.js";
import { formatHex } from "../../lorawan/types/index.ts";
import { gatewayEvents } from "../events.ts";
import { checkIdNotReserved, validateId } from "../ids/index.ts";
import {
  type AccountRef,
  type ContactInfo,
  errNotFound,
  type Gateway,
  type GatewayAntenna,
  type GatewayFields,
  type Location,
} from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { entityAccess } from "./access.ts";
import { accountRights } from "./collaborators.ts";
import { authorize, callerOf, callerRightsOn, isAdmin, type ServiceContext } from "./context.ts";
import {
  accountFromIds,
  accountToIds,
  errMissingField,
  maskFields,
  toTimestamp,
} from "./convert.ts";
import {
  allSecretFields,
  openSecrets,
  type PlainSecrets,
  sealSecrets,
  secretFields,
  secretFieldsIn,
} from "./gateway-secrets.ts";
import { entityLifecycle } from "./lifecycle.ts";
import { listVisible } from "./listing.ts";
import { gatewayFlags, listView, presentGateway, readAccess } from "./public-read.ts";

const errors = errorNamespace("identity-server/gateways");
export const errUnknownFrequencyPlan = errors.invalidArgument(
  "unknown_frequency_plan",
  "frequency plan `{frequency_plan_id}` in `{field}` does not exist",
);
export const errFrequencyPlanMismatch = errors.invalidArgument(
  "frequency_plan_mismatch",
  "`frequency_plan_id` `{frequency_plan_id}` must be the first of `frequency_plan_ids` ({frequency_plan_ids})",
);
export const errInvalidEui = errors.invalidArgument(
  "invalid_eui",
  "`{field}` must be an EUI-64 of 8 bytes, got {length} bytes",
);
export const errInvalidEnum = errors.invalidArgument(
  "invalid_enum_value",
  "`{field}` has no value {value}",
);
export const errContactNoCollaborator = errors.invalidArgument(
  "contact_no_collaborator",
  "contact `{contact}` is not a collaborator",
);
export const errWholeClaimCode = errors.invalidArgument(
  "claim_authentication_code_whole",
  "`{path}`: the claim authentication code is updated as a whole (`claim_authentication_code`)",
);

/* ---------------------------------------------------------------------------------------- */
/* Conversions shared with the other registries.                                            */

/** An EUI-64 from a `bytes` field: 16 upper-case hex digits, `undefined` when empty. */
export function euiFromBytes(bytes: Uint8Array | undefined, field: string): string | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  if (bytes.length !== 8) throw errInvalidEui.create({ field, length: bytes.length });
  return formatHex(bytes);
}

/** The bytes of a stored EUI (16 hex digits); empty when there is none. */
export function euiToBytes(eui: string | undefined): Uint8Array {
  if (!eui) return new Uint8Array(0);
  return Uint8Array.from(Buffer.from(eui, "hex"));
}

/** The name of an enum value (`SOURCE_REGISTRY`); invalid_argument for unknown numbers. */
export function enumName(schema: DescEnum, value: number, field: string): string {
  const found = schema.values.find((candidate) => candidate.number === value);
  if (!found) throw errInvalidEnum.create({ field, value });
  return found.name;
}

/** The number of an enum value by its name; 0 when unknown or absent. */
export function enumNumber(schema: DescEnum, name: string | undefined): number {
  return schema.values.find((candidate) => candidate.name === name)?.number ?? 0;
}

export function locationToMessage(location: Location | undefined): LocationMessage | undefined {
  if (!location) return undefined;
  return create(LocationSchema, {
    latitude: location.latitude,
    longitude: location.longitude,
    altitude: location.altitude ?? 0,
    accuracy: location.accuracy ?? 0,
    source: enumNumber(LocationSourceSchema, location.source),
  });
}

export function locationFromMessage(
  message: LocationMessage | undefined,
  field: string,
): Location | undefined {
  if (!message) return undefined;
  const location: Location = { latitude: message.latitude, longitude: message.longitude };
  if (message.altitude) location.altitude = message.altitude;
  if (message.accuracy) location.accuracy = message.accuracy;
  if (message.source) location.source = enumName(LocationSourceSchema, message.source, field);
  return location;
}

export function contactInfoToMessage(info: ContactInfo) {
  return {
    contactType: enumNumber(ContactTypeSchema, info.contactType),
    contactMethod: enumNumber(ContactMethodSchema, info.contactMethod),
    value: info.value ?? "",
    public: info.public ?? false,
    validatedAt: info.validatedAt ? timestampFromDate(new Date(info.validatedAt)) : undefined,
  };
}

export function contactInfoFromMessage(info: ContactInfoMessage, field: string): ContactInfo {
  const result: ContactInfo = {};
  if (info.contactType)
    result.contactType = enumName(ContactTypeSchema, info.contactType, `${field}.contact_type`);
  if (info.contactMethod)
    result.contactMethod = enumName(
      ContactMethodSchema,
      info.contactMethod,
      `${field}.contact_method`,
    );
  if (info.value) result.value = info.value;
  if (info.public) result.public = true;
  if (info.validatedAt) result.validatedAt = timestampDate(info.validatedAt).toISOString();
  return result;
}

/**
 * The contacts of a new entity, as The Things Stack sets them: the collaborator that creates it
 * unless given, and when given they must be that collaborator.
 */
export function contactsOnCreate(
  fields: { administrativeContact?: AccountRef; technicalContact?: AccountRef },
  collaborator: AccountRef,
): void {
  for (const key of ["administrativeContact", "technicalContact"] as const) {
    const contact = fields[key];
    if (!contact) fields[key] = { ...collaborator };
    else if (contact.kind !== collaborator.kind || contact.id !== collaborator.id)
      throw errContactNoCollaborator.create({ contact: contact.id });
  }
}

/** Whether an error is the caller lacking credentials or rights (not a failure of the call). */
export function isAccessError(error: unknown): boolean {
  return errNoRights.matches(error) || errMissingRights.matches(error);
}

/* ---------------------------------------------------------------------------------------- */
/* Gateways.                                                                                */

/** API field paths of a gateway and the domain fields they name. */
const fields: Record<string, keyof GatewayFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  administrative_contact: "administrativeContact",
  technical_contact: "technicalContact",
  version_ids: "versionIds",
  gateway_server_address: "gatewayServerAddress",
  auto_update: "autoUpdate",
  update_channel: "updateChannel",
  frequency_plan_id: "frequencyPlanId",
  frequency_plan_ids: "frequencyPlanIds",
  antennas: "antennas",
  status_public: "statusPublic",
  location_public: "locationPublic",
  schedule_downlink_late: "scheduleDownlinkLate",
  enforce_duty_cycle: "enforceDutyCycle",
  downlink_path_constraint: "downlinkPathConstraint",
  schedule_anytime_delay: "scheduleAnytimeDelayMs",
  update_location_from_status: "updateLocationFromStatus",
  require_authenticated_connection: "requireAuthenticatedConnection",
  disable_packet_broker_forwarding: "disablePacketBrokerForwarding",
  contact_info: "contactInfo",
  target_cups_uri: "targetCupsUri",
  lrfhss: "supportsLrfhss",
  ...secretFields,
};
/** Paths a read may name besides the fields: always returned. */
const readOnly = ["ids", "created_at", "updated_at", "deleted_at"];
/** What `RIGHT_GATEWAY_LINK` may update without `RIGHT_GATEWAY_SETTINGS_BASIC` (a Gateway Server). */
const linkPaths = ["antennas", "attributes"];
/** The path of the gateway EUI in an update's field mask. */
const euiPath = "ids.eui";

function readMask(mask: FieldMask | undefined): (keyof GatewayFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: mask.paths.filter((path) => !readOnly.includes(path.split(".")[0] as string)),
  } as FieldMask;
  // The EUI is part of the identifiers, which are always returned.
  return [...maskFields<GatewayFields>(wanted, fields), "gatewayEui"];
}

function updateMask(mask: FieldMask | undefined): (keyof GatewayFields)[] {
  const paths = mask?.paths ?? [];
  const part = paths.find((path) => path.startsWith("claim_authentication_code."));
  if (part) throw errWholeClaimCode.create({ path: part });
  const rest = { paths: paths.filter((path) => path !== euiPath) } as FieldMask;
  const named = maskFields<GatewayFields>(rest, { ...fields, [euiPath]: "gatewayEui" });
  if (paths.includes(euiPath)) named.push("gatewayEui");
  return named;
}

function antennaToMessage(antenna: GatewayAntenna) {
  return {
    gain: antenna.gain ?? 0,
    location: locationToMessage(antenna.location),
    attributes: antenna.attributes ?? {},
    placement: enumNumber(GatewayAntennaPlacementSchema, antenna.placement),
  };
}

function antennaFromMessage(antenna: GatewayAntennaMessage, index: number): GatewayAntenna {
  const field = `gateway.antennas[${index}]`;
  const result: GatewayAntenna = {};
  if (antenna.gain) result.gain = antenna.gain;
  const location = locationFromMessage(antenna.location, `${field}.location.source`);
  if (location) result.location = location;
  if (Object.keys(antenna.attributes).length > 0) result.attributes = antenna.attributes;
  if (antenna.placement)
    result.placement = enumName(
      GatewayAntennaPlacementSchema,
      antenna.placement,
      `${field}.placement`,
    );
  return result;
}

function durationToMs(duration: Duration | undefined): number | undefined {
  if (!duration) return undefined;
  const ms = Number(duration.seconds) * 1000 + Math.round(duration.nanos / 1e6);
  return ms === 0 ? undefined : ms;
}

function msToDuration(ms: number | undefined): Duration | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.trunc(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1e6 } as Duration;
}

/**
 * The API message of a gateway: the fields of `mask` (all but the secrets without one).
 * Secrets appear only as given in `secrets` (decrypted for a caller that may read them, or just
 * written); what a caller may see of the rest is decided by `presentGateway`.
 */
function toMessage(
  gateway: Gateway,
  mask?: (keyof GatewayFields)[],
  secrets: PlainSecrets = {},
): GatewayMessage {
  const show = (field: keyof GatewayFields) => !mask || mask.includes(field);
  const antennas = show("antennas") ? (gateway.antennas ?? []).map(antennaToMessage) : [];
  return create(GatewaySchema, {
    ids: { gatewayId: gateway.gatewayId, eui: euiToBytes(gateway.gatewayEui) },
    createdAt: toTimestamp(gateway.createdAt),
    updatedAt: toTimestamp(gateway.updatedAt),
    deletedAt: toTimestamp(gateway.deletedAt),
    name: show("name") ? (gateway.name ?? "") : "",
    description: show("description") ? (gateway.description ?? "") : "",
    attributes: show("attributes") ? (gateway.attributes ?? {}) : {},
    administrativeContact: show("administrativeContact")
      ? accountToIds(gateway.administrativeContact)
      : undefined,
    technicalContact: show("technicalContact") ? accountToIds(gateway.technicalContact) : undefined,
    versionIds: show("versionIds") ? gateway.versionIds : undefined,
    gatewayServerAddress: show("gatewayServerAddress") ? (gateway.gatewayServerAddress ?? "") : "",
    autoUpdate: show("autoUpdate") ? (gateway.autoUpdate ?? false) : false,
    updateChannel: show("updateChannel") ? (gateway.updateChannel ?? "") : "",
    frequencyPlanId: show("frequencyPlanId") ? (gateway.frequencyPlanId ?? "") : "",
    frequencyPlanIds: show("frequencyPlanIds") ? (gateway.frequencyPlanIds ?? []) : [],
    antennas,
    statusPublic: show("statusPublic") ? (gateway.statusPublic ?? false) : false,
    locationPublic: show("locationPublic") ? (gateway.locationPublic ?? false) : false,
    scheduleDownlinkLate: show("scheduleDownlinkLate")
      ? (gateway.scheduleDownlinkLate ?? false)
      : false,
    enforceDutyCycle: show("enforceDutyCycle") ? (gateway.enforceDutyCycle ?? false) : false,
    downlinkPathConstraint: show("downlinkPathConstraint")
      ? enumNumber(DownlinkPathConstraintSchema, gateway.downlinkPathConstraint)
      : 0,
    scheduleAnytimeDelay: show("scheduleAnytimeDelayMs")
      ? msToDuration(gateway.scheduleAnytimeDelayMs)
      : undefined,
    updateLocationFromStatus: show("updateLocationFromStatus")
      ? (gateway.updateLocationFromStatus ?? false)
      : false,
    requireAuthenticatedConnection: show("requireAuthenticatedConnection")
      ? (gateway.requireAuthenticatedConnection ?? false)
      : false,
    disablePacketBrokerForwarding: show("disablePacketBrokerForwarding")
      ? (gateway.disablePacketBrokerForwarding ?? false)
      : false,
    contactInfo: show("contactInfo") ? (gateway.contactInfo ?? []).map(contactInfoToMessage) : [],
    targetCupsUri: show("targetCupsUri") ? (gateway.targetCupsUri ?? "") : "",
    lrfhss: show("supportsLrfhss") && gateway.supportsLrfhss ? { supported: true } : undefined,
    ...secrets,
  });
}

function toFields(message: GatewayMessage | undefined): GatewayFields {
  const contact = (ids: GatewayMessage["administrativeContact"], field: string) =>
    ids?.ids.case ? accountFromIds(ids, field) : undefined;
  const versionIds = message?.versionIds;
  const hasVersionIds =
    versionIds &&
    (versionIds.brandId ||
      versionIds.modelId ||
      versionIds.hardwareVersion ||
      versionIds.firmwareVersion ||
      versionIds.runtimeVersion);
  return {
    gatewayEui: euiFromBytes(message?.ids?.eui, "gateway.ids.eui"),
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    administrativeContact: contact(
      message?.administrativeContact,
      "gateway.administrative_contact",
    ),
    technicalContact: contact(message?.technicalContact, "gateway.technical_contact"),
    versionIds: hasVersionIds
      ? {
          brandId: versionIds.brandId || undefined,
          modelId: versionIds.modelId || undefined,
          hardwareVersion: versionIds.hardwareVersion || undefined,
          firmwareVersion: versionIds.firmwareVersion || undefined,
          runtimeVersion: versionIds.runtimeVersion || undefined,
        }
      : undefined,
    gatewayServerAddress: message?.gatewayServerAddress || undefined,
    autoUpdate: message?.autoUpdate || undefined,
    updateChannel: message?.updateChannel || undefined,
    frequencyPlanId: message?.frequencyPlanId || undefined,
    frequencyPlanIds:
      message && message.frequencyPlanIds.length > 0 ? [...message.frequencyPlanIds] : undefined,
    antennas:
      message && message.antennas.length > 0
        ? message.antennas.map((antenna, index) => antennaFromMessage(antenna, index))
        : undefined,
    statusPublic: message?.statusPublic || undefined,
    locationPublic: message?.locationPublic || undefined,
    scheduleDownlinkLate: message?.scheduleDownlinkLate || undefined,
    enforceDutyCycle: message?.enforceDutyCycle || undefined,
    downlinkPathConstraint: message?.downlinkPathConstraint
      ? enumName(
          DownlinkPathConstraintSchema,
          message.downlinkPathConstraint,
          "gateway.downlink_path_constraint",
        )
      : undefined,
    scheduleAnytimeDelayMs: durationToMs(message?.scheduleAnytimeDelay),
    updateLocationFromStatus: message?.updateLocationFromStatus || undefined,
    requireAuthenticatedConnection: message?.requireAuthenticatedConnection || undefined,
    disablePacketBrokerForwarding: message?.disablePacketBrokerForwarding || undefined,
    contactInfo:
      message && message.contactInfo.length > 0
        ? message.contactInfo.map((info, index) =>
            contactInfoFromMessage(info, `gateway.contact_info[${index}]`),
          )
        : undefined,
    targetCupsUri: message?.targetCupsUri || undefined,
    supportsLrfhss: message?.lrfhss?.supported || undefined,
  };
}

/**
 * Frequency plans as The Things Stack keeps them: `frequency_plan_ids` is the list and
 * `frequency_plan_id` its first element; setting one sets the other. Every ID must be a plan
 * we know. `touched` are the fields being written (all of them on create).
 */
function normalizeFrequencyPlans(
  plans: FrequencyPlans,
  gateway: GatewayFields,
  touched: readonly (keyof GatewayFields)[],
): (keyof GatewayFields)[] {
  const setsIds = touched.includes("frequencyPlanIds");
  const setsId = touched.includes("frequencyPlanId");
  if (!setsIds && !setsId) return [...touched];
  if (setsIds && gateway.frequencyPlanIds?.length) {
    const first = gateway.frequencyPlanIds[0] as string;
    if (setsId && gateway.frequencyPlanId && gateway.frequencyPlanId !== first) {
      throw errFrequencyPlanMismatch.create({
        frequency_plan_id: gateway.frequencyPlanId,
        frequency_plan_ids: gateway.frequencyPlanIds.join(", "),
      });
    }
    gateway.frequencyPlanId = first;
  } else if (gateway.frequencyPlanId) {
    gateway.frequencyPlanIds = [gateway.frequencyPlanId];
  } else {
    gateway.frequencyPlanId = undefined;
    gateway.frequencyPlanIds = undefined;
  }
  (gateway.frequencyPlanIds ?? []).forEach((id, index) => {
    if (!plans.find(id))
      throw errUnknownFrequencyPlan.create({
        frequency_plan_id: id,
        field: `gateway.frequency_plan_ids[${index}]`,
      });
  });
  return [...new Set<keyof GatewayFields>([...touched, "frequencyPlanId", "frequencyPlanIds"])];
}

function gatewayId(ids: { gatewayId: string } | undefined): string {
  if (!ids?.gatewayId) throw errMissingField.create({ field: "gateway_ids.gateway_id" });
  return ids.gatewayId;
}

const ref = (id: string) => ({ kind: "gateway" as const, id });

/** The GatewayRegistry service: create, read, list, update, delete, restore and purge. */
export function gatewayRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof GatewayRegistry>> {
  const { stores, events } = context;
  const plans = context.frequencyPlans ?? FrequencyPlans.builtIn();
  const lifecycle = entityLifecycle(context, {
    kind: "gateway",
    store: stores.gateways,
    deleteRight: "RIGHT_GATEWAY_DELETE",
    infoRight: "RIGHT_GATEWAY_INFO",
  });
  return {
    async create(request, handler) {
      const account = accountFromIds(request.collaborator, "collaborator");
      const id = request.gateway?.ids?.gatewayId ?? "";
      validateId("gateway", id);
      validate("gateway", request.gateway);
      const values = toFields(request.gateway);
      normalizeFrequencyPlans(plans, values, ["frequencyPlanId", "frequencyPlanIds"]);
      contactsOnCreate(values, account);
      const caller = await callerOf(context, handler);
      await requireRightsOn(
        caller,
        account,
        [accountRights.gateway.create[account.kind]],
        context.lookup,
      );
      checkIdNotReserved("gateway", id);
      const secrets = await sealSecrets(context.keyVault, request.gateway, allSecretFields);
      const gateway = await stores.transact(async (tx) => {
        const created = await tx.gateways.create(id, { ...values, ...secrets.stored });
        await tx.memberships.set(account, ref(id), ["RIGHT_GATEWAY_ALL"]);
        return created;
      });
      events.publish(gatewayEvents.create, { identifiers: [ref(id)] });
      return toMessage(gateway, undefined, secrets.plain);
    },

    async get(request, handler) {
      const id = gatewayId(request.gatewayIds);
      const mask = readMask(request.fieldMask);
      if (isClusterRead(handler)) {
        // A Gateway Server looking up a connecting gateway, as The Things Stack's cluster
        // rights allow: every field in the mask, secrets included.
        const gateway = await stores.gateways.get(id, {
          fieldMask: mask && [...mask, ...gatewayFlags],
        });
        const plain = await openSecrets(context.keyVault, gateway, secretFieldsIn(mask));
        return toMessage(gateway, mask, plain);
      }
      const { view, rights } = await readAccess(context, handler, ref(id), request.fieldMask);
      // Secrets only when the mask names them, and only to who may read them.
      const secrets = secretFieldsIn(mask);
      if (secrets.length > 0 && !rights.has("RIGHT_GATEWAY_READ_SECRETS"))
        await authorize(context, handler, ref(id), ["RIGHT_GATEWAY_READ_SECRETS"]);
      // The flags decide what the caller sees, whatever the mask shows.
      const fieldMask = mask && [...mask, ...gatewayFlags];
      const gateway = await stores.gateways.get(id, { fieldMask });
      const plain = await openSecrets(context.keyVault, gateway, secrets);
      return presentGateway(
        toMessage(gateway, mask, plain),
        gateway,
        view,
        rights,
        request.fieldMask,
      );
    },

    async getIdentifiersForEUI(request, handler) {
      const eui = euiFromBytes(request.eui, "eui");
      if (!eui) throw errMissingField.create({ field: "eui" });
      if (isClusterRead(handler)) {
        const gateway = await stores.gateways.getByEui(eui);
        return create(GatewayIdentifiersSchema, {
          gatewayId: gateway.gatewayId,
          eui: euiToBytes(gateway.gatewayEui),
        });
      }
      const caller = await callerOf(context, handler);
      const admin = await isAdmin(context, caller);
      const gateway = await stores.gateways.getByEui(eui).catch((error: unknown) => {
        // Only admins learn that no gateway has the EUI; others cannot tell it from no rights.
        if (!admin && errNotFound.matches(error))
          throw errNoRights.create({ entity_kind: "gateway with EUI", entity_id: eui });
        throw error;
      });
      const held = await callerRightsOn(context, caller, ref(gateway.gatewayId));
      if (!held.has("RIGHT_GATEWAY_INFO"))
        throw errNoRights.create({ entity_kind: "gateway with EUI", entity_id: eui });
      return create(GatewayIdentifiersSchema, {
        gatewayId: gateway.gatewayId,
        eui: euiToBytes(gateway.gatewayEui),
      });
    },

    async list(request, handler) {
      const caller = await callerOf(context, handler);
      const mask = readMask(request.fieldMask);
      const listed = await listVisible(context, handler, caller, request, {
        kind: "gateway",
        store: stores.gateways,
        idField: "gateway_id",
        idOf: (gateway) => gateway.gatewayId,
      });
      // Secrets named by the mask, of the gateways whose secrets the caller may read.
      const secrets = secretFieldsIn(mask);
      const gateways = await Promise.all(
        listed.map(async ({ entity, rights }) => {
          const plain =
            secrets.length > 0 && rights.has("RIGHT_GATEWAY_READ_SECRETS")
              ? await openSecrets(context.keyVault, entity, secrets)
              : {};
          return presentGateway(
            toMessage(entity, mask, plain),
            entity,
            listView("gateway", rights),
            rights,
            request.fieldMask,
          );
        }),
      );
      return create(GatewaysSchema, { gateways });
    },

    async update(request, handler) {
      const id = gatewayId(request.gateway?.ids);
      const paths = request.fieldMask?.paths ?? [];
      validate("gateway", request.gateway, { paths });
      await authorizeUpdate(context, handler, id, paths);
      const values = toFields(request.gateway);
      const mask = normalizeFrequencyPlans(plans, values, updateMask(request.fieldMask));
      const secretsChanged = secretFieldsIn(mask);
      if (secretsChanged.length > 0)
        await authorize(context, handler, ref(id), ["RIGHT_GATEWAY_WRITE_SECRETS"]);
      const secrets = await sealSecrets(context.keyVault, request.gateway, secretsChanged);
      const gateway = await stores.gateways.update(id, { ...values, ...secrets.stored }, mask);
      events.publish(gatewayEvents.update, { identifiers: [ref(id)], data: paths });
      return toMessage(gateway, undefined, secrets.plain);
    },

    delete: (request, handler) => lifecycle.delete(gatewayId(request), handler),
    restore: (request, handler) => lifecycle.restore(gatewayId(request), handler),
    purge: (request, handler) => lifecycle.purge(gatewayId(request), handler),
  };
}

/**
 * The rights an update needs: `RIGHT_GATEWAY_SETTINGS_BASIC`, or as in The Things Stack
 * `RIGHT_GATEWAY_LINK` when only antennas and attributes change (a Gateway Server updating the
 * location from status messages).
 */
async function authorizeUpdate(
  context: ServiceContext,
  handler: HandlerContext,
  id: string,
  paths: readonly string[],
): Promise<void> {
  try {
    await authorize(context, handler, ref(id), ["RIGHT_GATEWAY_SETTINGS_BASIC"]);
  } catch (error) {
    const linkOnly =
      paths.length > 0 && paths.every((path) => linkPaths.includes(path.split(".")[0] ?? ""));
    if (!linkOnly || !isAccessError(error)) throw error;
    await authorize(context, handler, ref(id), ["RIGHT_GATEWAY_LINK"]);
  }
}

/** The GatewayAccess service: rights, API keys and collaborators of a gateway. */
export function gatewayAccess(context: ServiceContext): Partial<ServiceImpl<typeof GatewayAccess>> {
  const access = entityAccess(context, "gateway", {
    apiKeys: "RIGHT_GATEWAY_SETTINGS_API_KEYS",
    collaborators: "RIGHT_GATEWAY_SETTINGS_COLLABORATORS",
  });
  const idOf = (ids: GatewayIdentifiers | undefined) => gatewayId(ids);
  return {
    listRights: (request, handler) => access.listRights(idOf(request), handler),
    createAPIKey: (request, handler) =>
      access.createApiKey(idOf(request.gatewayIds), request, handler),
    listAPIKeys: (request, handler) =>
      access.listApiKeys(idOf(request.gatewayIds), request, handler),
    getAPIKey: (request, handler) =>
      access.getApiKey(idOf(request.gatewayIds), request.keyId, handler),
    updateAPIKey: (request, handler) =>
      access.updateApiKey(idOf(request.gatewayIds), request.apiKey, request.fieldMask, handler),
    deleteAPIKey: async (request, handler) => {
      await access.deleteApiKey(idOf(request.gatewayIds), request.keyId, handler);
      return {};
    },
    getCollaborator: (request, handler) =>
      access.getCollaborator(idOf(request.gatewayIds), request.collaborator, handler),
    setCollaborator: async (request, handler) => {
      await access.setCollaborator(idOf(request.gatewayIds), request.collaborator, handler);
      return {};
    },
    listCollaborators: (request, handler) =>
      access.listCollaborators(idOf(request.gatewayIds), request, handler),
    deleteCollaborator: async (request, handler) => {
      await access.deleteCollaborator(idOf(request.gatewayIds), request.collaboratorIds, handler);
      return {};
    },
  };
}

/** Serves the GatewayRegistry and GatewayAccess services on the API. */
export function registerGatewayServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(GatewayRegistry, gatewayRegistry(services));
  api.register(GatewayAccess, gatewayAccess(services));
}

/** How gateways read as API messages (field mask, conversion, never secrets), for search. */
export const gatewayMessages = {
  readMask,
  toMessage: (gateway: Gateway, mask?: (keyof GatewayFields)[]) => toMessage(gateway, mask),
};

/**
 * A read by a cluster peer on its own behalf (a valid cluster key or a call within this
 * process, without a user's credentials): the Gateway Server identifying a connecting gateway.
 */
function isClusterRead(handler: HandlerContext): boolean {
  return isPeerCall(handler) && !handler.requestHeader.get("authorization");
}

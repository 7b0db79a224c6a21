import { create, type DescEnum } from "@bufbuild/protobuf";
import type { Duration, FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import { errNoRights } from "../../auth/errors.ts";
import { errorNamespace } from "../../errors/index.ts";
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
import { findFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import { gatewayEvents } from "../events.ts";
import { checkIdNotReserved, validateId } from "../ids/index.ts";
import {
  errNotFound,
  type Gateway,
  type GatewayAntenna,
  type GatewayFields,
  type Location,
} from "../store/index.ts";
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
};
/** Paths a read may name besides the fields: always returned, or not kept by this registry. */
const readOnly = [
  "ids",
  "created_at",
  "updated_at",
  "deleted_at",
  "contact_info",
  "lbs_lns_secret",
  "claim_authentication_code",
  "target_cups_uri",
  "target_cups_key",
  "lrfhss",
];
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

function toMessage(gateway: Gateway, mask?: (keyof GatewayFields)[]): GatewayMessage {
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
  };
}

/**
 * Frequency plans as The Things Stack keeps them: `frequency_plan_ids` is the list and
 * `frequency_plan_id` its first element; setting one sets the other. Every ID must be a plan
 * we know. `touched` are the fields being written (all of them on create).
 */
function normalizeFrequencyPlans(
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
    if (!findFrequencyPlan(id))
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
      const values = toFields(request.gateway);
      normalizeFrequencyPlans(values, ["frequencyPlanId", "frequencyPlanIds"]);
      const caller = await callerOf(context, handler);
      await requireRightsOn(
        caller,
        account,
        [accountRights.gateway.create[account.kind]],
        context.lookup,
      );
      checkIdNotReserved("gateway", id);
      const gateway = await stores.transact(async (tx) => {
        const created = await tx.gateways.create(id, values);
        await tx.memberships.set(account, ref(id), ["RIGHT_GATEWAY_ALL"]);
        return created;
      });
      events.publish(gatewayEvents.create, { identifiers: [ref(id)] });
      return toMessage(gateway);
    },

    async get(request, handler) {
      const id = gatewayId(request.gatewayIds);
      const mask = readMask(request.fieldMask);
      const { view, rights } = await readAccess(context, handler, ref(id), request.fieldMask);
      // The flags decide what the caller sees, whatever the mask shows.
      const fieldMask = mask && [...mask, ...gatewayFlags];
      const gateway = await stores.gateways.get(id, { fieldMask });
      return presentGateway(toMessage(gateway, mask), gateway, view, rights, request.fieldMask);
    },

    async getIdentifiersForEUI(request, handler) {
      const caller = await callerOf(context, handler);
      const eui = euiFromBytes(request.eui, "eui");
      if (!eui) throw errMissingField.create({ field: "eui" });
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
      return create(GatewaysSchema, {
        gateways: listed.map(({ entity, rights }) =>
          presentGateway(
            toMessage(entity, mask),
            entity,
            listView("gateway", rights),
            rights,
            request.fieldMask,
          ),
        ),
      });
    },

    async update(request, handler) {
      const id = gatewayId(request.gateway?.ids);
      await authorize(context, handler, ref(id), ["RIGHT_GATEWAY_SETTINGS_BASIC"]);
      const values = toFields(request.gateway);
      const mask = normalizeFrequencyPlans(values, updateMask(request.fieldMask));
      const gateway = await stores.gateways.update(id, values, mask);
      events.publish(gatewayEvents.update, {
        identifiers: [ref(id)],
        data: request.fieldMask?.paths ?? [],
      });
      return toMessage(gateway);
    },

    delete: (request, handler) => lifecycle.delete(gatewayId(request), handler),
    restore: (request, handler) => lifecycle.restore(gatewayId(request), handler),
    purge: (request, handler) => lifecycle.purge(gatewayId(request), handler),
  };
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

import { create } from "@bufbuild/protobuf";
import { type FieldMask, timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { errClusterKeyRequired } from "../../api/cluster-auth.ts";
import { isPeerCall } from "../../api/cluster-keys.ts";
import { errInvalidFieldPath, isFieldPath } from "../../api/field-paths.ts";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { errNoRights } from "../../auth/errors.ts";
import type { EntityRef, EventDefinition } from "../../events/index.ts";
import {
  type EndDevice as EndDeviceMessage,
  EndDeviceSchema,
  EndDevicesSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import {
  type EndDeviceIdentifiers,
  EndDeviceIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { endDeviceEvents } from "../events.ts";
import { validateId } from "../ids/index.ts";
import {
  type EndDevice,
  type EndDeviceFields,
  type EndDeviceKey,
  errFieldNotUpdatable,
  errLastSeenBatchTooLarge,
  errNotFound,
  type Location,
  maxLastSeenBatch,
} from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { authorize, callerOf, callerRightsOn, isAdmin, type ServiceContext } from "./context.ts";
import { errInvalidLastSeen, errMissingField, maskFields, toTimestamp } from "./convert.ts";
import { parseDeviceOrder } from "./device-order.ts";
import { euiFromBytes, euiToBytes, locationFromMessage, locationToMessage } from "./gateways.ts";
import { updatedSinceOf } from "./list-filters.ts";

/** API field paths of an end device and the domain fields they name. */
const fields: Record<string, keyof EndDeviceFields> = {
  name: "name",
  description: "description",
  attributes: "attributes",
  version_ids: "versionIds",
  network_server_address: "networkServerAddress",
  application_server_address: "applicationServerAddress",
  join_server_address: "joinServerAddress",
  locations: "locations",
};
const euiPaths: Record<string, keyof EndDeviceFields> = {
  "ids.dev_eui": "devEui",
  "ids.join_eui": "joinEui",
};

/** Paths a read may name that no create or update writes. */
const readOnlyFields: Record<string, keyof EndDeviceFields> = {
  last_seen_at: "lastSeenAt",
};
// A future time would freeze a forward-only last-seen time: later ones are kept as now.
const futureToleranceMs = 60_000;

/**
 * Whether a field path names what this registry keeps. `EndDevice` is the whole device; its
 * Network, Application and Join Server parts (and the identifiers, always returned) are kept
 * elsewhere, and — as The Things Stack's Identity Server cleans its field masks — paths naming
 * them are ignored here, not refused. (Paths that name no field at all never get here: the API
 * refuses them with the message's field paths.)
 */
function isStoredPath(path: string): boolean {
  return Object.hasOwn(fields, path.split(".")[0] as string) || Object.hasOwn(euiPaths, path);
}

/** The paths of a mask this registry keeps; a path that names no field of `EndDevice` is refused. */
function storedPaths(paths: readonly string[]): string[] {
  paths.forEach((path, index) => {
    if (!isFieldPath(EndDeviceSchema, path))
      throw errInvalidFieldPath.create({
        field: `field_mask.paths[${index}]`,
        path,
        message: EndDeviceSchema.typeName,
      });
  });
  return paths.filter(isStoredPath);
}

/** The stored fields a read's field mask names (all when there is no mask). */
export function readMask(mask: FieldMask | undefined): (keyof EndDeviceFields)[] | undefined {
  if (!mask || mask.paths.length === 0) return undefined;
  const wanted = {
    paths: storedPaths(mask.paths).filter((path) => !Object.hasOwn(euiPaths, path)),
  } as FieldMask;
  const readOnly = mask.paths.flatMap((path) =>
    Object.hasOwn(readOnlyFields, path) ? [readOnlyFields[path] as keyof EndDeviceFields] : [],
  );
  // The EUIs are part of the identifiers, which are always returned.
  return [...maskFields<EndDeviceFields>(wanted, fields), ...readOnly, "devEui", "joinEui"];
}

/** The API message of a stored device, with the fields of `mask` (all when there is none). */
export function toMessage(device: EndDevice, mask?: (keyof EndDeviceFields)[]): EndDeviceMessage {
  const show = (field: keyof EndDeviceFields) => !mask || mask.includes(field);
  const locations: Record<string, ReturnType<typeof locationToMessage>> = {};
  if (show("locations"))
    for (const [name, location] of Object.entries(device.locations ?? {}))
      locations[name] = locationToMessage(location);
  return create(EndDeviceSchema, {
    ids: {
      deviceId: device.deviceId,
      applicationIds: { applicationId: device.applicationId },
      devEui: euiToBytes(device.devEui),
      joinEui: euiToBytes(device.joinEui),
    },
    createdAt: toTimestamp(device.createdAt),
    updatedAt: toTimestamp(device.updatedAt),
    name: show("name") ? (device.name ?? "") : "",
    description: show("description") ? (device.description ?? "") : "",
    attributes: show("attributes") ? (device.attributes ?? {}) : {},
    versionIds: show("versionIds") ? device.versionIds : undefined,
    networkServerAddress: show("networkServerAddress") ? (device.networkServerAddress ?? "") : "",
    applicationServerAddress: show("applicationServerAddress")
      ? (device.applicationServerAddress ?? "")
      : "",
    joinServerAddress: show("joinServerAddress") ? (device.joinServerAddress ?? "") : "",
    locations: locations as EndDeviceMessage["locations"],
    lastSeenAt: show("lastSeenAt") ? toTimestamp(device.lastSeenAt) : undefined,
  });
}

function toFields(message: EndDeviceMessage | undefined): EndDeviceFields {
  const versionIds = message?.versionIds;
  const hasVersionIds =
    versionIds &&
    (versionIds.brandId ||
      versionIds.modelId ||
      versionIds.hardwareVersion ||
      versionIds.firmwareVersion ||
      versionIds.bandId);
  let locations: Record<string, Location> | undefined;
  for (const [name, location] of Object.entries(message?.locations ?? {})) {
    const converted = locationFromMessage(location, `end_device.locations.${name}.source`);
    if (converted) {
      locations ??= {};
      locations[name] = converted;
    }
  }
  return {
    devEui: euiFromBytes(message?.ids?.devEui, "end_device.ids.dev_eui"),
    joinEui: euiFromBytes(message?.ids?.joinEui, "end_device.ids.join_eui"),
    name: message?.name || undefined,
    description: message?.description || undefined,
    attributes:
      message && Object.keys(message.attributes).length > 0 ? message.attributes : undefined,
    versionIds: hasVersionIds
      ? {
          brandId: versionIds.brandId || undefined,
          modelId: versionIds.modelId || undefined,
          hardwareVersion: versionIds.hardwareVersion || undefined,
          firmwareVersion: versionIds.firmwareVersion || undefined,
          bandId: versionIds.bandId || undefined,
        }
      : undefined,
    networkServerAddress: message?.networkServerAddress || undefined,
    applicationServerAddress: message?.applicationServerAddress || undefined,
    joinServerAddress: message?.joinServerAddress || undefined,
    locations,
  };
}

/** The key of a device from its identifiers; missing_field when incomplete. */
function deviceKey(ids: EndDeviceIdentifiers | undefined, prefix: string): EndDeviceKey {
  const applicationId = ids?.applicationIds?.applicationId;
  if (!applicationId)
    throw errMissingField.create({ field: `${prefix}.application_ids.application_id` });
  if (!ids.deviceId) throw errMissingField.create({ field: `${prefix}.device_id` });
  return { applicationId, deviceId: ids.deviceId };
}

export const applicationRef = (id: string): EntityRef => ({ kind: "application", id });
/** The device as events name it: `<application_id>.<device_id>`. */
export const deviceRef = (key: EndDeviceKey): EntityRef => ({
  kind: "end_device",
  id: `${key.applicationId}.${key.deviceId}`,
});

/** The Identity Server's EndDeviceRegistry: the registration of end devices in applications. */
export function endDeviceRegistry(
  context: ServiceContext,
): Partial<ServiceImpl<typeof EndDeviceRegistry>> {
  const { stores, events } = context;
  const publish = <Data>(
    definition: EventDefinition<Data>,
    key: EndDeviceKey,
    data?: NoInfer<Data>,
  ) => events.publish(definition, { identifiers: [deviceRef(key)], data });
  return {
    async create(request, handler) {
      const key = deviceKey(request.endDevice?.ids, "end_device.ids");
      validateId("device", key.deviceId);
      validate("end_device", request.endDevice);
      const values = toFields(request.endDevice);
      await authorize(context, handler, applicationRef(key.applicationId), [
        "RIGHT_APPLICATION_DEVICES_WRITE",
      ]);
      // An admin may hold rights on an application that does not exist (any longer).
      await stores.applications.get(key.applicationId, { fieldMask: [] });
      const device = await stores.endDevices.create(key, values);
      publish(endDeviceEvents.create, key);
      return toMessage(device);
    },

    async get(request, handler) {
      const key = deviceKey(request.endDeviceIds, "end_device_ids");
      await authorize(context, handler, applicationRef(key.applicationId), [
        "RIGHT_APPLICATION_DEVICES_READ",
      ]);
      const mask = readMask(request.fieldMask);
      return toMessage(await stores.endDevices.get(key, { fieldMask: mask }), mask);
    },

    async getIdentifiersForEUIs(request, handler) {
      const caller = await callerOf(context, handler);
      const joinEui = euiFromBytes(request.joinEui, "join_eui");
      const devEui = euiFromBytes(request.devEui, "dev_eui");
      if (!joinEui) throw errMissingField.create({ field: "join_eui" });
      if (!devEui) throw errMissingField.create({ field: "dev_eui" });
      const admin = await isAdmin(context, caller);
      const denied = () =>
        errNoRights.create({
          entity_kind: "end device with EUIs",
          entity_id: `${joinEui}/${devEui}`,
        });
      const device = await stores.endDevices
        .getByEuis(joinEui, devEui, { fieldMask: [] })
        .catch((error: unknown) => {
          // Only admins learn that no device has the EUIs; others cannot tell it from no rights.
          throw !admin && errNotFound.matches(error) ? denied() : error;
        });
      const held = await callerRightsOn(context, caller, applicationRef(device.applicationId));
      if (!held.has("RIGHT_APPLICATION_DEVICES_READ")) throw denied();
      return create(EndDeviceIdentifiersSchema, {
        deviceId: device.deviceId,
        applicationIds: { applicationId: device.applicationId },
        devEui: euiToBytes(device.devEui),
        joinEui: euiToBytes(device.joinEui),
      });
    },

    async list(request, handler) {
      const applicationId = request.applicationIds?.applicationId;
      if (!applicationId) throw errMissingField.create({ field: "application_ids.application_id" });
      await authorize(context, handler, applicationRef(applicationId), [
        "RIGHT_APPLICATION_DEVICES_READ",
      ]);
      const mask = readMask(request.fieldMask);
      const page = await stores.endDevices.find(
        applicationId,
        { updatedSince: updatedSinceOf(request.filters) },
        { ...requestedPage(request), order: parseDeviceOrder(request.order) },
      );
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(EndDevicesSchema, {
        endDevices: page.items.map((item) => toMessage(item, mask)),
      });
    },

    async update(request, handler) {
      const key = deviceKey(request.endDevice?.ids, "end_device.ids");
      // The Network, Application and Join Server parts are not kept here: ignored.
      const paths = storedPaths(request.fieldMask?.paths ?? []);
      validate("end_device", request.endDevice, { paths });
      await authorize(context, handler, applicationRef(key.applicationId), [
        "RIGHT_APPLICATION_DEVICES_WRITE",
      ]);
      const mask = maskFields<EndDeviceFields>(
        { paths: paths.filter((path) => !(path in euiPaths)) } as FieldMask,
        { ...fields, ...euiPaths },
      );
      const values = toFields(request.endDevice);
      const euiFields = paths.filter((path) => path in euiPaths);
      if (euiFields.length > 0) {
        // As in The Things Stack, an EUI may be set once, but not changed.
        const current = await stores.endDevices.get(key, { fieldMask: ["devEui", "joinEui"] });
        for (const path of euiFields) {
          const field = euiPaths[path] as "devEui" | "joinEui";
          if (current[field] !== undefined && current[field] !== values[field])
            throw errFieldNotUpdatable.create({ field: path, kind: "end device" });
          mask.push(field);
        }
      }
      const device = await stores.endDevices.update(key, values, mask);
      publish(endDeviceEvents.update, key, paths);
      return toMessage(device);
    },

    async batchUpdateLastSeen(request, handler) {
      if (!isPeerCall(handler))
        throw errClusterKeyRequired.create({
          service: `${EndDeviceRegistry.typeName}.BatchUpdateLastSeen`,
        });
      if (request.updates.length > maxLastSeenBatch)
        throw errLastSeenBatchTooLarge.create({
          count: request.updates.length,
          max: maxLastSeenBatch,
        });
      const latest = Date.now() + futureToleranceMs;
      const updates = request.updates.map((update, index) => {
        const key = deviceKey(update.ids, `updates[${index}].ids`);
        if (!update.lastSeenAt)
          throw errMissingField.create({ field: `updates[${index}].last_seen_at` });
        const ms = timestampMs(update.lastSeenAt);
        // Before 1970 is no device's last uplink (and far outside what a Date holds is none).
        if (!Number.isFinite(ms) || ms < 0)
          throw errInvalidLastSeen.create({ field: `updates[${index}].last_seen_at` });
        return { ...key, lastSeenAt: new Date(Math.min(ms, latest)) };
      });
      await stores.endDevices.batchUpdateLastSeen(updates);
      return {};
    },

    async delete(request, handler) {
      const key = deviceKey(request, "end_device_ids");
      await authorize(context, handler, applicationRef(key.applicationId), [
        "RIGHT_APPLICATION_DEVICES_WRITE",
      ]);
      await stores.endDevices.delete(key);
      publish(endDeviceEvents.delete, key);
      return {};
    },
  };
}

/** Serves the Identity Server's EndDeviceRegistry on the API. */
export function registerEndDeviceServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(EndDeviceRegistry, endDeviceRegistry(services));
}

import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  endDeviceKeyOf as deviceKeyOf,
  endDeviceRef as deviceRef,
} from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { EventBus } from "../../events/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import {
  type EndDevice,
  EndDeviceSchema,
  SessionSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { NsEndDeviceRegistry } from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import { formatHex } from "../../lorawan/types/index.ts";
import { mergeFieldMask } from "../../storage/message-store/index.ts";
import { errCorruptedMacState, errDeviceNotFound } from "../errors.ts";
import type { DeviceKey, NsDeviceRegistry } from "../registry/index.ts";
import { type DefaultMacSettingsConfig, defaultMacSettings } from "./default-mac-settings.ts";
import { type DeviceBand, deviceBand } from "./device-band.ts";
import { errInvalidFieldMask, errNoDevEui, errNoJoinEui } from "./errors.ts";
import { evtEndDeviceCreate, evtEndDeviceDelete, evtEndDeviceUpdate } from "./events.ts";
import {
  checkReadPaths,
  checkWritePaths,
  covers,
  namesAny,
  readRights,
  visibleDevice,
  writeRights,
} from "./field-masks.ts";
import { defaultNewMacState, type NewMacState } from "./mac-state.ts";
import { hasSeparateNetworkKeys, validateAgainstBand, validateValues } from "./validate.ts";

/** What the public registry services work with. */
export interface RegistryServiceContext {
  devices: NsDeviceRegistry;
  rights: RightsFetcher;
  events: EventBus;
  frequencyPlans: FrequencyPlans;
  /** `ns.default_mac_settings`. */
  defaultMacSettings: DefaultMacSettingsConfig;
  /** The MAC state of a new ABP session; {@link defaultNewMacState} unless replaced. */
  newMacState?: NewMacState;
  now?: () => number;
}

/** Fields a device is created with, as The Things Stack requires them. */
const requiredOnCreate = [
  "frequency_plan_id",
  "lorawan_phy_version",
  "lorawan_version",
  "supports_join",
];
/** Fields that cannot change once the device exists. */
const fixedAfterCreate = ["supports_join", "multicast"];
/** Fields whose change needs the band again. */
const bandFields = ["frequency_plan_id", "lorawan_phy_version", "mac_settings"];

const isIdPath = (path: string) => path === "ids" || path.startsWith("ids.");
const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);
/** Whether the mask names one of `fields`, a message holding one, or a part of one. */
const names = (paths: readonly string[], fields: readonly string[]) =>
  namesAny(paths, fields) || paths.some((path) => fields.some((field) => covers(field, path)));

function missing(paths: readonly string[], fields: readonly string[]): void {
  const absent = fields.filter((field) => !names(paths, [field]));
  if (absent.length > 0)
    throw errInvalidFieldMask.create({ reason: "missing", fields: absent.join(", ") });
}

function prohibited(paths: readonly string[], fields: readonly string[]): void {
  const named = fields.filter((field) => names(paths, [field]));
  if (named.length > 0)
    throw errInvalidFieldMask.create({ reason: "may not be set", fields: named.join(", ") });
}

/**
 * The Network Server's `NsEndDeviceRegistry`, as The Things Stack's: `RIGHT_APPLICATION_DEVICES_
 * READ` to get (`_READ_KEYS` for session keys, `RIGHT_APPLICATION_LINK` for the downlink queue)
 * and `_WRITE` to set, reset and delete (`_WRITE_KEYS` for session keys); field mask paths of
 * other registries refused; the MAC state read-only.
 */
export function nsEndDeviceRegistryService(
  context: RegistryServiceContext,
): Partial<ServiceImpl<typeof NsEndDeviceRegistry>> {
  const { devices, rights, events, frequencyPlans } = context;
  const newMacState = context.newMacState ?? defaultNewMacState;
  const now = context.now ?? Date.now;
  const bandOf = (device: EndDevice) =>
    deviceBand(frequencyPlans, device.frequencyPlanId, device.lorawanPhyVersion);
  const freshMacState = (device: EndDevice, band: DeviceBand) =>
    newMacState(device, band, defaultMacSettings(band, context.defaultMacSettings));
  const notFound = (key: DeviceKey) =>
    errDeviceNotFound.create({ application_id: key.applicationId, device_id: key.deviceId });

  /** A new device: the fields The Things Stack requires, and an ABP device's session. */
  function created(key: DeviceKey, given: EndDevice, paths: readonly string[]): EndDevice {
    missing(paths, requiredOnCreate);
    const ids = given.ids;
    const fresh = create(EndDeviceSchema, {
      ids: {
        applicationIds: { applicationId: key.applicationId },
        deviceId: key.deviceId,
        ...(ids?.joinEui.length === 8 ? { joinEui: ids.joinEui } : {}),
        ...(ids?.devEui.length === 8 && !isZero(ids.devEui) ? { devEui: ids.devEui } : {}),
      },
    });
    const device = mergeFieldMask(
      EndDeviceSchema,
      fresh,
      given,
      paths.filter((path) => !isIdPath(path)),
    );
    const band = bandOf(device);
    validateAgainstBand(device, paths, band.band);
    if (device.supportsJoin) {
      if (device.ids?.joinEui.length !== 8) throw errNoJoinEui.create();
      if (device.ids.devEui.length !== 8) throw errNoDevEui.create();
      // A device that joins gets its session from its join, unless one is given.
      if (!device.session) return device;
    }
    missing(paths, ["session.dev_addr", "session.keys.f_nwk_s_int_key.key"]);
    const session = device.session;
    const keys = session?.keys;
    if (!session || !keys)
      throw errInvalidFieldMask.create({ reason: "missing", fields: "session" });
    if (hasSeparateNetworkKeys(device.lorawanVersion)) {
      missing(paths, ["session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key"]);
    } else {
      prohibited(paths, ["session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key"]);
      // LoRaWAN 1.0.x has one network session key: the three are the same.
      keys.sNwkSIntKey = keys.fNwkSIntKey;
      keys.nwkSEncKey = keys.fNwkSIntKey;
    }
    session.startedAt ??= timestampFromMs(now());
    device.macState = freshMacState(device, band);
    return device;
  }

  /** A change of an existing device: the masked fields merged in. */
  function changed(current: EndDevice, given: EndDevice, paths: readonly string[]): EndDevice {
    prohibited(paths, fixedAfterCreate);
    for (const [field, was, now] of [
      ["ids.join_eui", current.ids?.joinEui, given.ids?.joinEui],
      ["ids.dev_eui", current.ids?.devEui, given.ids?.devEui],
    ] as const) {
      if (!namesAny(paths, [field]) || !now?.length) continue;
      if (formatHex(was ?? new Uint8Array()) !== formatHex(now))
        throw errInvalidFieldMask.create({ reason: "may not be changed", fields: field });
    }
    const device = mergeFieldMask(
      EndDeviceSchema,
      current,
      given,
      paths.filter((path) => !isIdPath(path)),
    );
    if (names(paths, bandFields)) validateAgainstBand(device, paths, bandOf(device).band);
    return device;
  }

  return {
    async get(request, handler) {
      const key = deviceKeyOf(request.endDeviceIds, "end_device_ids");
      const paths = request.fieldMask?.paths ?? [];
      // Rights first: a caller without them learns nothing, not even what its request lacks.
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        readRights(paths),
      );
      checkReadPaths(paths);
      const device = await devices.get(key);
      if (!device) throw notFound(key);
      return visibleDevice(device, paths);
    },

    async set(request, handler) {
      const given = request.endDevice ?? create(EndDeviceSchema);
      const key = deviceKeyOf(given.ids, "end_device.ids");
      const paths = request.fieldMask?.paths ?? [];
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        writeRights(paths),
      );
      checkWritePaths(paths);
      validateValues(given, paths);
      let wasCreated = false;
      const stored = await devices.update(key, (current) => {
        wasCreated = !current;
        return current ? changed(current, given, paths) : created(key, given, paths);
      });
      if (!stored) throw new Error("the registry stored no device for a set");
      if (wasCreated) events.publish(evtEndDeviceCreate, { identifiers: [deviceRef(key)] });
      else events.publish(evtEndDeviceUpdate, { identifiers: [deviceRef(key)], data: [...paths] });
      return visibleDevice(stored, paths);
    },

    async resetFactoryDefaults(request, handler) {
      const key = deviceKeyOf(request.endDeviceIds, "end_device_ids");
      const paths = request.fieldMask?.paths ?? [];
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        ["RIGHT_APPLICATION_DEVICES_WRITE", ...readRights(paths)],
      );
      checkReadPaths(paths);
      const stored = await devices.update(key, (current) => {
        if (!current) throw notFound(key);
        // As a device fresh from the factory: no status, no MAC state, no pending join.
        current.batteryPercentage = undefined;
        current.downlinkMargin = 0;
        current.lastDevStatusReceivedAt = undefined;
        current.macState = undefined;
        current.pendingMacState = undefined;
        current.pendingSession = undefined;
        current.powerState = 0;
        if (current.supportsJoin) {
          // It joins again.
          current.session = undefined;
          return current;
        }
        const session = current.session;
        if (!session) throw errCorruptedMacState.create();
        // An ABP device keeps its address and keys; its counters start again.
        current.session = create(SessionSchema, {
          devAddr: session.devAddr,
          keys: session.keys,
          startedAt: timestampFromMs(now()),
          queuedApplicationDownlinks: session.queuedApplicationDownlinks,
        });
        current.macState = freshMacState(current, bandOf(current));
        return current;
      });
      if (!stored) throw notFound(key);
      return visibleDevice(stored, paths);
    },

    async delete(request, handler) {
      const key = deviceKeyOf(request, "ids");
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        ["RIGHT_APPLICATION_DEVICES_WRITE"],
      );
      await devices.update(key, (current) => {
        if (!current) throw notFound(key);
        return null;
      });
      events.publish(evtEndDeviceDelete, { identifiers: [deviceRef(key)] });
      return create(EmptySchema);
    },
  };
}

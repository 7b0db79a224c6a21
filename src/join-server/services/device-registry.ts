import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  endDeviceKeyOf as deviceKeyOf,
  endDeviceRef as deviceRef,
} from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { EventBus } from "../../events/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { JoinEUIPrefix, JsEndDeviceRegistry } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import { formatHex } from "../../lorawan/types/index.ts";
import { mergeFieldMask } from "../../storage/message-store/index.ts";
import { errDeviceIdsNotFound, errUnknownJoinEui } from "../errors.ts";
import { evtEndDeviceCreate, evtEndDeviceDelete, evtEndDeviceUpdate } from "../events.ts";
import { matchesPrefix } from "../join-eui-prefixes.ts";
import type { DeviceKey, JsDeviceRegistry, JsSessionKeyRegistry } from "../registry.ts";
import { errEuiChanged, errFieldValue, errNoDevEui, errNoJoinEui } from "./errors.ts";
import { checkPaths, namesRootKeys, readsRootKeys, visibleDevice } from "./field-masks.ts";

/** What the public registry services work with. */
export interface RegistryServiceContext {
  devices: JsDeviceRegistry;
  sessionKeys: JsSessionKeyRegistry;
  rights: RightsFetcher;
  events: EventBus;
  /** `js.join_eui_prefixes`: devices are created only with a JoinEUI in one of them. */
  joinEuiPrefixes: readonly JoinEUIPrefix[];
}

const AES_KEY_LENGTH = 16;
const rootKeyFields = [
  ["appKey", "root_keys.app_key.key"],
  ["nwkKey", "root_keys.nwk_key.key"],
] as const;

const isIdPath = (path: string) => path === "ids" || path.startsWith("ids.");
const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);

/** Checks the identifiers and keys of a Set before anything is read. */
function checkSetRequest(device: EndDevice | undefined, paths: readonly string[]): void {
  const ids = device?.ids;
  if (ids?.joinEui?.length !== 8) throw errNoJoinEui.create();
  if (ids.devEui?.length !== 8 || isZero(ids.devEui)) throw errNoDevEui.create();
  for (const [field, path] of rootKeyFields) {
    if (!paths.some((named) => named === path || path.startsWith(`${named}.`))) continue;
    const key = device?.rootKeys?.[field]?.key ?? new Uint8Array();
    // As The Things Stack: an AppKey cannot be cleared; a NwkKey can (LoRaWAN 1.0.x devices).
    const cleared = key.length === 0 && field === "nwkKey";
    if (!cleared && key.length !== AES_KEY_LENGTH) throw errFieldValue.create({ field: path });
  }
}

/**
 * The Join Server's `JsEndDeviceRegistry`, as The Things Stack's: `RIGHT_APPLICATION_DEVICES_READ`
 * to get and `_WRITE` to set and delete; root keys only with `_READ_KEYS` / `_WRITE_KEYS` and
 * when the field mask names them; field mask paths of other registries refused.
 */
export function jsEndDeviceRegistryService(
  context: RegistryServiceContext,
): Partial<ServiceImpl<typeof JsEndDeviceRegistry>> {
  const { devices, sessionKeys, rights, events } = context;
  const publish = (
    definition: typeof evtEndDeviceCreate | typeof evtEndDeviceDelete,
    key: DeviceKey,
  ) => events.publish(definition, { identifiers: [deviceRef(key)] });

  return {
    async get(request, handler) {
      const key = deviceKeyOf(request.endDeviceIds, "end_device_ids");
      const paths = request.fieldMask?.paths ?? [];
      // Rights first: a caller without them learns nothing, not even what its request lacks.
      const required: RightName[] = ["RIGHT_APPLICATION_DEVICES_READ"];
      if (readsRootKeys(paths)) required.push("RIGHT_APPLICATION_DEVICES_READ_KEYS");
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        required,
      );
      checkPaths(paths);
      const device = await devices.get(key);
      if (!device)
        throw errDeviceIdsNotFound.create({
          application_id: key.applicationId,
          device_id: key.deviceId,
        });
      return visibleDevice(device, paths);
    },

    async set(request, handler) {
      const given = request.endDevice;
      const key = deviceKeyOf(given?.ids, "end_device.ids");
      const paths = request.fieldMask?.paths ?? [];
      const required: RightName[] = ["RIGHT_APPLICATION_DEVICES_WRITE"];
      if (namesRootKeys(paths)) required.push("RIGHT_APPLICATION_DEVICES_WRITE_KEYS");
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        key.applicationId,
        required,
      );
      checkPaths(paths);
      checkSetRequest(given, paths);
      const ids = given?.ids as EndDeviceIdentifiers;

      // The identifiers are set on creation and never changed: the other paths are merged.
      const merged = paths.filter((path) => !isIdPath(path));
      let created = false;
      const stored = await devices.update(key, (current) => {
        if (!current) {
          if (!context.joinEuiPrefixes.some((prefix) => matchesPrefix(prefix, ids.joinEui)))
            throw errUnknownJoinEui.create({ join_eui: formatHex(ids.joinEui) });
          created = true;
          const fresh = create(EndDeviceSchema, {
            ids: {
              applicationIds: { applicationId: key.applicationId },
              deviceId: key.deviceId,
              joinEui: ids.joinEui,
              devEui: ids.devEui,
            },
          });
          return mergeFieldMask(EndDeviceSchema, fresh, given as EndDevice, merged);
        }
        for (const [field, was, now] of [
          ["ids.join_eui", current.ids?.joinEui, ids.joinEui],
          ["ids.dev_eui", current.ids?.devEui, ids.devEui],
        ] as const) {
          const stored = formatHex(was ?? new Uint8Array());
          if (stored !== formatHex(now))
            throw errEuiChanged.create({
              field,
              stored,
              application_id: key.applicationId,
              device_id: key.deviceId,
            });
        }
        return mergeFieldMask(EndDeviceSchema, current, given as EndDevice, merged);
      });
      if (!stored) throw new Error("the registry stored no device for a set");
      if (created) publish(evtEndDeviceCreate, key);
      else events.publish(evtEndDeviceUpdate, { identifiers: [deviceRef(key)], data: [...paths] });
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
      let euis: EndDeviceIdentifiers | undefined;
      await devices.update(key, (current) => {
        if (!current)
          throw errDeviceIdsNotFound.create({
            application_id: key.applicationId,
            device_id: key.deviceId,
          });
        euis = current.ids;
        return null;
      });
      await forgetSessions(sessionKeys, euis);
      publish(evtEndDeviceDelete, key);
      return create(EmptySchema);
    },
  };
}

/** Forgets the session keys of a deleted device. */
export async function forgetSessions(
  sessionKeys: JsSessionKeyRegistry,
  ids: EndDeviceIdentifiers | undefined,
): Promise<void> {
  if (ids?.joinEui?.length && ids.devEui?.length)
    await sessionKeys.deleteDevice(ids.joinEui, ids.devEui);
}

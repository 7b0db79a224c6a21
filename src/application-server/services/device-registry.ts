import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  endDeviceKeyOf as deviceKeyOf,
  endDeviceRef as deviceRef,
} from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { EventBus } from "../../events/index.ts";
import type { AsEndDeviceRegistry } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { formatHex } from "../../lorawan/types/index.ts";
import { mergeFieldMask } from "../../storage/message-store/index.ts";
import { errDeviceNotFound, errInvalidFieldValue } from "../errors.ts";
import { evtEndDeviceCreate, evtEndDeviceDelete, evtEndDeviceUpdate } from "../events.ts";
import type { AsDeviceRegistry } from "../registry.ts";
import {
  checkReadPaths,
  checkWritePaths,
  namesAny,
  readRights,
  visibleDevice,
  writeRights,
} from "./field-masks.ts";
import { checkFormatterLengths } from "./formatters.ts";

/** What the device registry service works with. */
export interface DeviceRegistryServiceContext {
  devices: AsDeviceRegistry;
  rights: RightsFetcher;
  events: EventBus;
  /** `as.formatters.max_parameter_length`: longest formatter script, in bytes. */
  maxParameterLength: number;
  /** Told after a device was deleted (its application package associations go too). */
  deleted?: (key: { applicationId: string; deviceId: string }) => Promise<void>;
}

const AES_KEY_LENGTH = 16;
const DEV_ADDR_LENGTH = 4;
const isIdPath = (path: string) => path === "ids" || path.startsWith("ids.");
const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);

/** Checks the values a Set names, as The Things Stack's (before anything is read). */
function checkSetValues(device: EndDevice | undefined, paths: readonly string[], max: number) {
  const session = device?.session;
  if (namesAny(paths, ["session.dev_addr"])) {
    const devAddr = session?.devAddr ?? new Uint8Array();
    if (devAddr.length !== DEV_ADDR_LENGTH || isZero(devAddr))
      throw errInvalidFieldValue.create({ field: "session.dev_addr" });
  }
  if (namesAny(paths, ["session.keys.app_s_key.key"])) {
    const key = session?.keys?.appSKey?.key ?? new Uint8Array();
    if (key.length !== AES_KEY_LENGTH || isZero(key))
      throw errInvalidFieldValue.create({ field: "session.keys.app_s_key.key" });
  }
  checkFormatterLengths(device?.formatters, "formatters", paths, max);
}

/**
 * The Application Server's `AsEndDeviceRegistry`, as The Things Stack's: `_DEVICES_READ` to get
 * and `_DEVICES_WRITE` to set and delete; the AppSKey only with `_READ_KEYS` / `_WRITE_KEYS`
 * and when the field mask names it; paths of other registries refused; formatter scripts up to
 * `as.formatters.max_parameter_length`.
 */
export function asEndDeviceRegistryService(
  context: DeviceRegistryServiceContext,
): ServiceImpl<typeof AsEndDeviceRegistry> {
  const { devices, rights, events } = context;

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
      if (!device)
        throw errDeviceNotFound.create({
          application_id: key.applicationId,
          device_id: key.deviceId,
        });
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
      checkSetValues(given, paths, context.maxParameterLength);

      // The identifiers are set on creation; the EUIs never change. The other paths are merged.
      const merged = paths.filter((path) => !isIdPath(path));
      let created = false;
      const stored = await devices.update(key, (current) => {
        let device = current;
        if (!device) {
          created = true;
          device = create(EndDeviceSchema, {
            ids: {
              applicationIds: { applicationId: key.applicationId },
              deviceId: key.deviceId,
              joinEui: given.ids?.joinEui ?? new Uint8Array(),
              devEui: given.ids?.devEui ?? new Uint8Array(),
            },
          });
        } else {
          for (const [field, was, now] of [
            ["ids.join_eui", device.ids?.joinEui, given.ids?.joinEui],
            ["ids.dev_eui", device.ids?.devEui, given.ids?.devEui],
          ] as const) {
            if (now?.length && formatHex(now) !== formatHex(was ?? new Uint8Array()))
              throw errInvalidFieldValue.create({ field: `end_device.${field}` });
          }
        }
        const next = mergeFieldMask(EndDeviceSchema, device, given, merged);
        // As The Things Stack: the identifiers carry the DevAddr of the current session.
        if (next.ids) next.ids.devAddr = next.session?.devAddr ?? new Uint8Array();
        return next;
      });
      if (!stored) throw new Error("the registry stored no device for a set");
      if (created) events.publish(evtEndDeviceCreate, { identifiers: [deviceRef(key)] });
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
      await devices.update(key, (current) => {
        if (!current)
          throw errDeviceNotFound.create({
            application_id: key.applicationId,
            device_id: key.deviceId,
          });
        return null;
      });
      await context.deleted?.(key);
      events.publish(evtEndDeviceDelete, { identifiers: [deviceRef(key)] });
      return create(EmptySchema);
    },
  };
}

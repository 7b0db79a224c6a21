import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { EndDevicesSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceBatchRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { endDeviceEvents } from "../events.ts";
import { validateId } from "../ids/index.ts";
import { type EndDeviceKey, errNotFound } from "../store/index.ts";
import { batchIds } from "./batch-size.ts";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField } from "./convert.ts";
import { applicationRef, deviceRef, readMask, toMessage } from "./end-devices.ts";

/** The most devices one batch call names, as in The Things Stack. */
export const maxDeviceBatch = 20;

/** The application and the checked, distinct device IDs of a batch request. */
function batchOf(request: {
  applicationIds?: { applicationId: string } | undefined;
  deviceIds: readonly string[];
}): { applicationId: string; deviceIds: string[] } {
  const applicationId = request.applicationIds?.applicationId;
  if (!applicationId) throw errMissingField.create({ field: "application_ids.application_id" });
  const deviceIds = batchIds(request.deviceIds, "device_ids", maxDeviceBatch);
  for (const id of deviceIds) validateId("device", id);
  return { applicationId, deviceIds };
}

/**
 * The Identity Server's EndDeviceBatchRegistry: up to 20 devices of one application at a
 * time. Devices that do not exist are skipped; a delete removes all the others or none.
 */
export function endDeviceBatchRegistry(
  context: ServiceContext,
): ServiceImpl<typeof EndDeviceBatchRegistry> {
  const { stores, events } = context;
  return {
    async get(request, handler) {
      const { applicationId, deviceIds } = batchOf(request);
      await authorize(context, handler, applicationRef(applicationId), [
        "RIGHT_APPLICATION_DEVICES_READ",
      ]);
      const mask = readMask(request.fieldMask);
      const { items } = await stores.endDevices.list(applicationId, { ids: deviceIds });
      const byId = new Map(items.map((device) => [device.deviceId, device]));
      return create(EndDevicesSchema, {
        endDevices: deviceIds.flatMap((id) => {
          const device = byId.get(id);
          return device ? [toMessage(device, mask)] : [];
        }),
      });
    },

    async delete(request, handler) {
      const { applicationId, deviceIds } = batchOf(request);
      await authorize(context, handler, applicationRef(applicationId), [
        "RIGHT_APPLICATION_DEVICES_WRITE",
      ]);
      const deleted = await stores.transact(async (transaction) => {
        const done: EndDeviceKey[] = [];
        for (const deviceId of deviceIds) {
          const key = { applicationId, deviceId };
          try {
            await transaction.endDevices.delete(key);
            done.push(key);
          } catch (error) {
            if (!errNotFound.matches(error)) throw error;
          }
        }
        return done;
      });
      for (const key of deleted)
        events.publish(endDeviceEvents.delete, { identifiers: [deviceRef(key)] });
      return {};
    },
  };
}

/** Serves the EndDeviceBatchRegistry on the API. */
export function registerEndDeviceBatchServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(EndDeviceBatchRegistry, endDeviceBatchRegistry(services));
}

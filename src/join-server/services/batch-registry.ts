import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { checkId, endDeviceRef as deviceRef } from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { JsEndDeviceBatchRegistry } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import { evtEndDeviceDelete } from "../events.ts";
import { forgetSessions, type RegistryServiceContext } from "./device-registry.ts";
import { errBatchSize } from "./errors.ts";

const MAX_BATCH = 20;

/**
 * `JsEndDeviceBatchRegistry.Delete`: 1 to 20 devices of one application, all or none, unknown
 * ones skipped; their session keys are forgotten and each deletion is an event.
 */
export function jsEndDeviceBatchRegistryService(
  context: RegistryServiceContext,
): Partial<ServiceImpl<typeof JsEndDeviceBatchRegistry>> {
  const { devices, sessionKeys, rights, events } = context;
  return {
    async delete(request, handler) {
      const applicationId = checkId(
        "application_ids.application_id",
        request.applicationIds?.applicationId ?? "",
      );
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        applicationId,
        ["RIGHT_APPLICATION_DEVICES_WRITE"],
      );
      const count = request.deviceIds.length;
      if (count < 1 || count > MAX_BATCH) throw errBatchSize.create({ count });
      for (const [i, id] of request.deviceIds.entries()) checkId(`device_ids[${i}]`, id);
      // The EUIs name the session keys to forget once the devices are gone.
      const before = await Promise.all(
        request.deviceIds.map((deviceId) => devices.get({ applicationId, deviceId })),
      );
      const deleted = await devices.deleteMany(applicationId, request.deviceIds);
      for (const key of deleted) {
        const device = before.find((found) => found?.ids?.deviceId === key.deviceId);
        await forgetSessions(sessionKeys, device?.ids);
        events.publish(evtEndDeviceDelete, { identifiers: [deviceRef(key)] });
      }
      return create(EmptySchema);
    },
  };
}

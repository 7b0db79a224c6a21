import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { checkId, endDeviceRef as deviceRef } from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { NsEndDeviceBatchRegistry } from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import type { RegistryServiceContext } from "./device-registry.ts";
import { errBatchSize } from "./errors.ts";
import { evtEndDeviceDelete } from "./events.ts";

const MAX_BATCH = 20;

/**
 * `NsEndDeviceBatchRegistry.Delete`: 1 to 20 devices of one application, all or none, unknown
 * ones skipped; each deletion is an event.
 */
export function nsEndDeviceBatchRegistryService(
  context: Pick<RegistryServiceContext, "devices" | "rights" | "events">,
): Partial<ServiceImpl<typeof NsEndDeviceBatchRegistry>> {
  const { devices, rights, events } = context;
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
      for (const key of await devices.deleteMany(applicationId, request.deviceIds))
        events.publish(evtEndDeviceDelete, { identifiers: [deviceRef(key)] });
      return create(EmptySchema);
    },
  };
}

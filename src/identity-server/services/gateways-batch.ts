import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { requireRightsOn } from "../../auth/authorize.ts";
import type { RightName } from "../../auth/rights/index.ts";
import {
  GatewayBatchAccess,
  GatewayBatchRegistry,
} from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import type { GatewayIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { gatewayEvents } from "../events.ts";
import { validateId } from "../ids/index.ts";
import { batchIds } from "./batch-size.ts";
import { callerOf, type ServiceContext } from "./context.ts";
import { errMissingField, rightNames } from "./convert.ts";

/** The most gateways of one batch delete, and of one rights check, as in The Things Stack. */
export const gatewayBatchLimits = { delete: 20, assertRights: 100 } as const;

const gatewayRef = (id: string) => ({ kind: "gateway" as const, id });

/** The checked, distinct gateway IDs of a batch request. */
function gatewayIdsOf(ids: readonly GatewayIdentifiers[], max: number): string[] {
  const distinct = batchIds(
    ids.map((gateway) => gateway.gatewayId),
    "gateway_ids",
    max,
  );
  for (const id of distinct) validateId("gateway", id);
  return distinct;
}

/** GatewayBatchRegistry: soft-deletes up to 20 gateways, all or none. */
export function gatewayBatchRegistry(
  context: ServiceContext,
): ServiceImpl<typeof GatewayBatchRegistry> {
  return {
    async delete(request, handler) {
      const ids = gatewayIdsOf(request.gatewayIds, gatewayBatchLimits.delete);
      const caller = await callerOf(context, handler);
      // Every right is checked before anything is deleted.
      for (const id of ids)
        await requireRightsOn(caller, gatewayRef(id), ["RIGHT_GATEWAY_DELETE"], context.lookup);
      // A gateway that is missing (or deleted already) fails the whole batch.
      await context.stores.transact(async (transaction) => {
        for (const id of ids) await transaction.gateways.delete(id);
      });
      for (const id of ids)
        context.events.publish(gatewayEvents.delete, { identifiers: [gatewayRef(id)] });
      return {};
    },
  };
}

/**
 * GatewayBatchAccess (experimental in The Things Stack): succeeds when the caller holds every
 * required right on each of up to 100 gateways, and each exists; otherwise fails naming the
 * first gateway that does not pass.
 */
export function gatewayBatchAccess(
  context: ServiceContext,
): ServiceImpl<typeof GatewayBatchAccess> {
  return {
    async assertRights(request, handler) {
      const ids = gatewayIdsOf(request.gatewayIds, gatewayBatchLimits.assertRights);
      const required: RightName[] = rightNames(request.required?.rights ?? []);
      if (required.length === 0) throw errMissingField.create({ field: "required.rights" });
      const caller = await callerOf(context, handler);
      for (const id of ids) {
        await requireRightsOn(caller, gatewayRef(id), required, context.lookup);
        // Only asked once the rights hold, so that nobody learns which gateways exist.
        await context.stores.gateways.get(id, { fieldMask: [] });
      }
      return {};
    },
  };
}

/** Serves the gateway batch services on the API. */
export function registerGatewayBatchServices(api: ApiRegistry, services: ServiceContext): void {
  api.register(GatewayBatchRegistry, gatewayBatchRegistry(services));
  api.register(GatewayBatchAccess, gatewayBatchAccess(services));
}

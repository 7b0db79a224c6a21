import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { errNoCredentials, errNoRights } from "../../auth/errors.ts";
import { requireRights } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { Cluster } from "../../cluster/cluster.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type GatewayConnectionStats,
  GatewayConnectionStatsSchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  BatchGetGatewayConnectionStatsResponseSchema,
  Gs,
} from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import type { Logger } from "../../log/logger.ts";
import { applyFieldMask } from "../../storage/message-store/field-mask.ts";
import { type Connections, gatewayClaimId } from "../connections/connections.ts";
import { errNotConnected } from "../errors.ts";

const errors = errorNamespace("gateway-server/stats");
export const errBatchSize = errors.invalidArgument(
  "batch_size",
  "between 1 and 100 gateways may be requested at once, not {count}",
);
export const errMissingGatewayId = errors.invalidArgument(
  "missing_gateway_id",
  "`gateway_id` is required",
);

const required = ["RIGHT_GATEWAY_STATUS_READ"] as const;

/**
 * `Gs`: the connection statistics of gateways, with `RIGHT_GATEWAY_STATUS_READ` as The Things
 * Stack requires. A gateway connected to another instance is answered by that instance (the
 * call is routed to the holder of its claim, with the caller's credentials).
 */
export function gsService(options: {
  connections: Connections;
  cluster: Cluster;
  rights: RightsFetcher;
  logger: Logger;
}): Partial<ServiceImpl<typeof Gs>> {
  const { connections, cluster, rights } = options;

  async function authorize(handler: HandlerContext, gatewayId: string): Promise<string> {
    const authorization = handler.requestHeader.get("authorization");
    if (!authorization) throw errNoCredentials.create();
    if (!gatewayId) throw errMissingGatewayId.create();
    const held = await rights.rightsOn(authorization, { kind: "gateway", id: gatewayId });
    if (held.size === 0) throw errNoRights.create({ entity_kind: "gateway", entity_id: gatewayId });
    requireRights(held, required);
    return authorization;
  }

  /** The stats here, or from the instance that holds the gateway; undefined: not connected. */
  async function statsOf(
    gatewayId: string,
    authorization: string,
  ): Promise<GatewayConnectionStats | undefined> {
    const holder = await cluster.claims.holder(gatewayClaimId(gatewayId));
    if (holder && holder.instanceId !== cluster.instanceId && !connections.get(gatewayId)?.isOpen) {
      try {
        return await cluster
          .peerAt(holder.address)
          .client(Gs, { authorization })
          .getGatewayConnectionStats({ gatewayId });
      } catch (error) {
        if (errNotConnected.matches(error)) return connections.stats(gatewayId);
        throw error;
      }
    }
    return connections.stats(gatewayId);
  }

  return {
    async getGatewayConnectionStats(ids, handler) {
      const authorization = await authorize(handler, ids.gatewayId);
      const stats = await statsOf(ids.gatewayId, authorization);
      if (!stats) throw errNotConnected.create({ gateway_uid: ids.gatewayId });
      return stats;
    },

    async batchGetGatewayConnectionStats(request, handler) {
      if (!handler.requestHeader.get("authorization")) throw errNoCredentials.create();
      const count = request.gatewayIds.length;
      if (count < 1 || count > 100) throw errBatchSize.create({ count });
      const ids = [...new Set(request.gatewayIds.map((ids) => ids.gatewayId))];
      // As The Things Stack: the caller needs the right on every gateway asked for.
      const authorizations = await Promise.all(ids.map((id) => authorize(handler, id)));
      const paths = request.fieldMask?.paths ?? [];
      const entries: Record<string, GatewayConnectionStats> = {};
      await Promise.all(
        ids.map(async (id, index) => {
          const stats = await statsOf(id, authorizations[index] as string).catch(() => undefined);
          if (!stats) return;
          entries[id] =
            paths.length > 0 ? applyFieldMask(GatewayConnectionStatsSchema, stats, paths) : stats;
        }),
      );
      return create(BatchGetGatewayConnectionStatsResponseSchema, { entries });
    },
  };
}

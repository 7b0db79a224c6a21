import { hostname } from "node:os";
import { create } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import { errorToHttp } from "../api/errors.ts";
import { errMissingRights, errNoRights } from "../auth/errors.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { FrequencyPlans } from "../frequency-plans/index.ts";
import { GetGatewayRequestSchema } from "../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayRegistry } from "../gen/ttn/lorawan/v3/gateway_services_pb.js";
import type { Logger } from "../log/logger.ts";
import { latestBand } from "../lorawan/band/index.ts";
import { errInvalidGatewayId, errNoFrequencyPlan, errUnknownBand } from "./errors.ts";
import { formatGlobalConf, globalConf } from "./semtech-udp/global-conf.ts";
import { defaultGatewayServerUdpPort, parseGatewayServerAddress } from "./server-address.ts";

/** The route, as The Things Stack serves it. */
export const globalConfPath = "/api/v3/gcs/gateways/:gateway_id/semtechudp/global_conf.json";

/** The gateway fields a `global_conf.json` is made from. */
const gatewayFields = ["ids", "frequency_plan_id", "frequency_plan_ids", "gateway_server_address"];

/** The ID rule of every entity (The Things Stack's public API). */
const gatewayIdPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
const gatewayIdMaxLength = 36;

export interface GlobalConfRouteOptions {
  cluster: Cluster;
  rights: RightsFetcher;
  frequencyPlans: FrequencyPlans;
  logger: Logger;
  /** `gcs.gateway_server_address`: for gateways without one; `""` for this host on port 1700. */
  defaultGatewayServerAddress: string;
}

/**
 * Serves `GET /api/v3/gcs/gateways/{gateway_id}/semtechudp/global_conf.json`: the caller needs
 * `RIGHT_GATEWAY_INFO` on the gateway; the gateway is read from the Identity Server with the
 * caller's credentials; the file is built for its (first) frequency plan and points at its
 * `gateway_server_address`. Errors are The Things Stack's JSON error body.
 */
export function registerGlobalConfRoute(
  app: FastifyInstance,
  options: GlobalConfRouteOptions,
): void {
  const fallbackAddress =
    options.defaultGatewayServerAddress || `${hostname()}:${defaultGatewayServerUdpPort}`;

  async function build(gatewayId: string, authorization: string): Promise<string> {
    if (gatewayId.length > gatewayIdMaxLength || !gatewayIdPattern.test(gatewayId))
      throw errInvalidGatewayId.create({ gateway_id: gatewayId });
    const entity = { kind: "gateway", id: gatewayId } as const;
    const rights = await options.rights.rightsOn(authorization, entity);
    if (!rights.has("RIGHT_GATEWAY_INFO")) {
      const attributes = { entity_kind: entity.kind, entity_id: entity.id };
      throw rights.size === 0
        ? errNoRights.create(attributes)
        : errMissingRights.create({ ...attributes, missing: "RIGHT_GATEWAY_INFO" });
    }
    const gateway = await options.cluster
      .peer("is")
      .client(GatewayRegistry, { authorization })
      .get(
        create(GetGatewayRequestSchema, {
          gatewayIds: { gatewayId },
          fieldMask: { paths: gatewayFields },
        }),
      );
    const planId = gateway.frequencyPlanIds[0] || gateway.frequencyPlanId;
    if (!planId) throw errNoFrequencyPlan.create({ gateway_id: gatewayId });
    const plan = options.frequencyPlans.get(planId);
    const band = latestBand(plan.bandId);
    if (!band) throw errUnknownBand.create({ frequency_plan_id: plan.id, band_id: plan.bandId });
    const eui = gateway.ids?.eui;
    const conf = globalConf({
      ...(eui && eui.length === 8 ? { eui: Buffer.from(eui).toString("hex").toUpperCase() } : {}),
      server: parseGatewayServerAddress(gateway.gatewayServerAddress || fallbackAddress),
      plan,
      band,
    });
    return formatGlobalConf(conf);
  }

  app.get(globalConfPath, async (request, reply) => {
    const { gateway_id: gatewayId } = request.params as { gateway_id: string };
    try {
      const text = await build(gatewayId, request.headers.authorization ?? "");
      return reply.type("application/json").send(text);
    } catch (error) {
      const answer = errorToHttp(error, request.id);
      if (answer.status >= 500)
        options.logger.error(
          { err: error, correlation_id: answer.body.details[0]?.correlation_id },
          "global_conf.json failed",
        );
      return reply.code(answer.status).type("application/json").send(JSON.stringify(answer.body));
    }
  });
}

import type { Component, ComponentContext } from "../components/index.ts";
import type { GatewayConfigurationConfig } from "./config.ts";
import { registerGlobalConfRoute } from "./global-conf-route.ts";

/**
 * The Gateway Configuration Server (`gcs`): configuration files for gateways, served on the
 * HTTP port. Now the Semtech UDP packet forwarder's `global_conf.json`; Basics Station CUPS
 * comes later.
 */
export function createGatewayConfigurationServer(
  context: ComponentContext<GatewayConfigurationConfig>,
): Component {
  registerGlobalConfRoute(context.http, {
    cluster: context.cluster,
    rights: context.rights,
    frequencyPlans: context.frequencyPlans,
    logger: context.logger,
    defaultGatewayServerAddress: context.section.gcs.gateway_server_address,
  });
  let ready = false;
  return {
    async start() {
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
    },
  };
}

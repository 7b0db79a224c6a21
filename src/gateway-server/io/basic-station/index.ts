/**
 * The LoRa Basics Station LNS frontend of the Gateway Server (docs/basic-station.md, "Gateway
 * Server: Basics Station"): give {@link basicStationFrontend} to `createGatewayServer`.
 */
import type { FrontendFactory } from "../../gateway-server.ts";
import { createBasicStationFrontend } from "./frontend.ts";

export { type BasicStationFrontendOptions, createBasicStationFrontend } from "./frontend.ts";
export { basicStationProtocol } from "./session.ts";

/** The Basics Station frontend over the Gateway Server's connections and its `gs.*` settings. */
export const basicStationFrontend: FrontendFactory = ({
  connections,
  registry,
  settings,
  context,
  metrics,
  monotonicUs,
}) =>
  createBasicStationFrontend({
    connections,
    settings: { ...settings.basic_station, ...context.config.basic_station },
    registry,
    frequencyPlans: context.frequencyPlans,
    listen: context.listen,
    tls: context.tls,
    logger: context.logger.child({ frontend: "basic_station" }),
    drops: metrics.drops,
    logIntervalMs: settings.unknown_gateway_log_interval,
    monotonicUs,
  });

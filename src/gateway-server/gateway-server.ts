import type { Component, ComponentContext } from "../components/index.ts";
import { Gs, NsGs } from "../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import type { GatewayServerConfig, GatewayServerSettings } from "./config.ts";
import { CachedGatewayRegistry } from "./connections/cached-registry.ts";
import type { ConnectionEnvironment } from "./connections/connection.ts";
import { Connections } from "./connections/connections.ts";
import { type GatewayRegistry, peerGatewayRegistry } from "./connections/gateway-registry.ts";
import { createConnectionScheduler } from "./connections/scheduling.ts";
import { type GatewayServerMetrics, gatewayServerMetrics } from "./metrics.ts";
import { LoopLag } from "./scheduling/loop-lag.ts";
import { gsService } from "./services/gs.ts";
import { nsGsService } from "./services/ns-gs.ts";
import { networkServerUpstream } from "./upstream.ts";

/** What a protocol frontend is built from: the connections it serves, and its settings. */
export interface GatewayServerCore {
  connections: Connections;
  /**
   * The gateways' registrations, cached (with refusals) and forgotten when a gateway changes:
   * the one the connections use, for frontends that look gateways up before connecting them.
   */
  registry: GatewayRegistry;
  /** The `gs` section (`gs.udp.*`, `gs.basic_station.*` for the frontends). */
  settings: GatewayServerSettings;
  context: ComponentContext<GatewayServerConfig>;
  /** The Gateway Server's metrics: frontends count their drops in `drops` by reason. */
  metrics: GatewayServerMetrics;
  /** The server's monotonic clock in µs, the one every connection's scheduler runs on. */
  monotonicUs: () => number;
}

/** A protocol frontend (Semtech UDP, Basics Station): opens its listeners on start. */
export interface Frontend {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds a frontend over the Gateway Server's connections. */
export type FrontendFactory = (core: GatewayServerCore) => Frontend;

/** Registry events after which a gateway's registration is read again. */
const registrationChanges = new Set(["gateway.update", "gateway.delete", "gateway.purge"]);

/**
 * The Gateway Server: gateway connections from protocol frontends (claimed in the cluster),
 * uplinks and TX acknowledgments to the Network Server (`GsNs`), downlinks from it (`NsGs`,
 * cluster only), and the connection statistics (`Gs`). The frontends (io/udp,
 * io/basic-station) are given as factories; each opens its listeners when the Gateway Server
 * starts.
 */
export function createGatewayServer(
  context: ComponentContext<GatewayServerConfig>,
  frontends: readonly FrontendFactory[] = [],
): Component & { core: GatewayServerCore } {
  const settings = context.section.gs;
  const now = Date.now;
  const monotonicUs = () => performance.now() * 1000;
  const metrics = gatewayServerMetrics(context.metrics);
  const loopLag = new LoopLag({ now: monotonicUs });
  const registry = new CachedGatewayRegistry(
    peerGatewayRegistry(() => context.cluster.peer("is")),
    { ttlMs: settings.gateway_cache_ttl, now },
  );
  const environment: ConnectionEnvironment = {
    events: context.events,
    metrics,
    logger: context.logger,
    upstream: networkServerUpstream({ cluster: context.cluster, logger: context.logger, metrics }),
    registry,
    scheduler: (gateway, frontend) =>
      createConnectionScheduler(gateway, frontend, context.frequencyPlans),
    monotonicUs,
    serverLagUs: (fromUs, toUs) => loopLag.maxLagUs(fromUs, toUs),
    locationDebounceMs: settings.update_gateway_location_debounce_time,
    now,
  };
  const connections = new Connections({
    registry,
    claims: context.cluster.claims,
    environment,
    claimTtlMs: settings.claim_ttl,
    fetchIntervalMs: settings.fetch_gateway_interval,
    disconnectedStatsTtlMs: settings.connection_stats_disconnect_ttl,
    unknownGatewayLogIntervalMs: settings.unknown_gateway_log_interval,
  });
  context.events.listen((event) => {
    if (!registrationChanges.has(event.name)) return;
    for (const ids of event.identifiers) if (ids.kind === "gateway") registry.forget(ids.id);
  });
  context.api.register(NsGs, nsGsService({ connections, cluster: context.cluster }), {
    internal: true,
  });
  context.api.register(
    Gs,
    gsService({
      connections,
      cluster: context.cluster,
      rights: context.rights,
      logger: context.logger,
    }),
  );
  const core: GatewayServerCore = {
    connections,
    registry,
    settings,
    context,
    metrics,
    monotonicUs,
  };
  const started = frontends.map((factory) => factory(core));
  let ready = false;
  return {
    core,
    async start() {
      loopLag.start();
      for (const frontend of started) await frontend.start();
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
      await Promise.all(started.map((frontend) => frontend.stop()));
      await connections.stop();
      loopLag.stop();
    },
  };
}

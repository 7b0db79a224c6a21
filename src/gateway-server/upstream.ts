import type { Cluster } from "../cluster/cluster.ts";
import { DefinedError } from "../errors/index.ts";
import type { GatewayTxAcknowledgment, UplinkMessage } from "../gen/ttn/lorawan/v3/messages_pb.js";
import { GsNs } from "../gen/ttn/lorawan/v3/networkserver_pb.js";
import type { Logger } from "../log/logger.ts";
import { LogLimiter } from "./log-limiter.ts";
import type { GatewayServerMetrics } from "./metrics.ts";

/** Where uplinks and TX acknowledgments go: the Network Server. */
export interface Upstream {
  /** Resolves true when the Network Server took the uplink, false when it could not. */
  handleUplink(uplink: UplinkMessage): Promise<boolean>;
  reportTxAcknowledgment(ack: GatewayTxAcknowledgment): Promise<boolean>;
}

/**
 * The Network Server peer (`GsNs`), in this process or through the cluster. A Network Server
 * that is not configured, not reachable or failing is counted and logged at most once a
 * minute per kind of failure; it never throws.
 */
export function networkServerUpstream(options: {
  cluster: Cluster;
  logger: Logger;
  metrics: GatewayServerMetrics;
  now?: () => number;
}): Upstream {
  const { cluster, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const limiter = new LogLimiter(60_000);
  const failed = (what: string, error: unknown) => {
    const name = error instanceof DefinedError ? error.name : "unknown";
    metrics.drops.inc({ reason: `network_server_${what}` });
    if (limiter.allow(`${what}:${name}`, now()))
      logger.warn(
        { err: error, error: name },
        `the Network Server did not take a ${what} (logged once a minute)`,
      );
    return false;
  };
  return {
    async handleUplink(uplink) {
      try {
        await cluster.peer("ns").client(GsNs).handleUplink(uplink);
        metrics.uplinksForwarded.inc({ result: "ok" });
        return true;
      } catch (error) {
        metrics.uplinksForwarded.inc({ result: "failed" });
        return failed("uplink", error);
      }
    },
    async reportTxAcknowledgment(ack) {
      try {
        await cluster.peer("ns").client(GsNs).reportTxAcknowledgment(ack);
        return true;
      } catch (error) {
        return failed("tx_acknowledgment", error);
      }
    },
  };
}

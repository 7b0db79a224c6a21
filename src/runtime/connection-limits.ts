import { Counter, Gauge } from "prom-client";
import type { ConnectionPolicy } from "../http/connection-policy.ts";
import { ConnectionLimiter, type Refusal } from "../listeners/connection-limiter.ts";
import type { Logger } from "../log/logger.ts";
import type { Registry } from "../metrics/registry.ts";
import type { RuntimeConfig } from "./config.ts";
import { connectionBudget, readFileLimit } from "./file-limit.ts";

/** How often refusals are logged at most (each line tells how many there were since). */
const refusalLogIntervalMs = 10_000;

/**
 * The connection policy of the HTTP and gRPC listeners from `connections.*`, with one limiter
 * shared by all of them. The open-file limit is read and logged; when the configured cap on
 * connections does not fit it (with room for the rest of the process), the cap is lowered to
 * what fits and a warning says so. Refusals are counted
 * (`lorastack_connections_refused_total{reason}`) and logged at most every 10 s; open
 * connections are `lorastack_connections_open`.
 */
export function connectionPolicy(options: {
  section: RuntimeConfig["connections"];
  metrics: Registry;
  logger: Logger;
}): ConnectionPolicy {
  const { section, metrics, logger } = options;
  const fileLimit = readFileLimit();
  const budget = connectionBudget(section.max_total, fileLimit);
  const facts = {
    soft: fileLimit?.soft ?? "unknown",
    hard: fileLimit?.hard ?? "unknown",
    needed: budget.needed,
    max_connections: budget.maxTotal,
  };
  if (budget.lowered)
    logger.warn(
      facts,
      "the open-file limit is below what connections.max_total needs: connections are capped lower; raise the hard limit (systemd LimitNOFILE, ulimit -Hn) to allow more",
    );
  else logger.info(facts, "open-file limit");

  const refused = new Counter({
    name: "lorastack_connections_refused_total",
    help: "Connections to the HTTP and gRPC ports refused by connections.max_per_address (address) or connections.max_total (total)",
    labelNames: ["reason"],
    registers: [metrics],
  });
  let pending: { count: number; address: string } | undefined;
  const onRefused = (reason: Refusal, address: string) => {
    refused.inc({ reason });
    if (pending) {
      pending.count++;
      pending.address = address;
      return;
    }
    pending = { count: 0, address };
    logger.warn({ reason, address }, "refused a connection");
    setTimeout(() => {
      if (pending && pending.count > 0)
        logger.warn(
          { refused: pending.count, last_address: pending.address },
          "refused more connections",
        );
      pending = undefined;
    }, refusalLogIntervalMs).unref();
  };
  const limiter = new ConnectionLimiter(
    { maxPerAddress: section.max_per_address, maxTotal: budget.maxTotal },
    onRefused,
  );
  new Gauge({
    name: "lorastack_connections_open",
    help: "Open connections to the HTTP and gRPC ports",
    registers: [metrics],
    collect() {
      this.set(limiter.open);
    },
  });
  return {
    headerTimeoutMs: section.header_timeout,
    requestTimeoutMs: section.request_timeout,
    idleTimeoutMs: section.idle_timeout,
    limiter,
  };
}

import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { ApiRegistry } from "../api/registry.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { Config } from "../config/index.ts";
import type { EventBus } from "../events/index.ts";
import type { Logger } from "../log/logger.ts";
import type { Registry } from "../metrics/registry.ts";
import type { Database } from "../storage/index.ts";

/** What a component is given when it is constructed: the shared parts of the process. */
export interface ComponentContext {
  config: Config;
  /** A child logger named after the component. */
  logger: Logger;
  database: Database;
  /** The Redis client when `redis.uri` is set (cluster mode); `undefined` in embedded mode. */
  redis: Redis | undefined;
  metrics: Registry;
  /** The HTTP app on the HTTP listeners, for a component's routes (before start). */
  http: FastifyInstance;
  /** Where a component registers the API services it implements (before start). */
  api: ApiRegistry;
  /** The event bus: components publish events, the API streams them. */
  events: EventBus;
  /** The other components (here or in other processes) and the coordination they share. */
  cluster: Cluster;
  /** Who a caller is and what it may do, from the Identity Server (cached for seconds). */
  rights: RightsFetcher;
}

/** A running part of the stack, such as the Gateway Server. */
export interface Component {
  /** Opens the component's listeners and begins its work. */
  start(): Promise<void>;
  /** Whether the component serves requests now (reported by `/readyz`). */
  isReady(): boolean;
  /** Stops taking new work, finishes in-flight work and releases its resources. */
  stop(): Promise<void>;
}

/** A component that lorastack knows, by its short name and aliases. */
export interface ComponentDefinition {
  /** Short name used on the command line, e.g. `gs`. */
  name: string;
  /** Full name, e.g. `Gateway Server`. */
  title: string;
  /** Other names accepted on the command line, e.g. `gateway-server`. */
  aliases: readonly string[];
  /**
   * Constructs the component; absent while the component is not built yet, so that
   * `lorastack start <name>` says so instead of starting something that does nothing.
   */
  create?: (context: ComponentContext) => Component;
}

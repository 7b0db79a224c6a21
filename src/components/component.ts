import type { SecureContextOptions } from "node:tls";
import type { FastifyInstance } from "fastify";
import type { ApiRegistry } from "../api/registry.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { Config, ConfigSection, SectionValues } from "../config/index.ts";
import type { EventBus } from "../events/index.ts";
import type { FrequencyPlans } from "../frequency-plans/index.ts";
import type { KeyVault } from "../key-vault/key-vault.ts";
import type { ConnectionLimiter } from "../listeners/connection-limiter.ts";
import type { Listen } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import type { Registry } from "../metrics/registry.ts";
import type { Database } from "../storage/index.ts";

/**
 * What a component is given when it is constructed: the shared parts of the process.
 * `Section` is the type of the component's own configuration section (its `config.ts`).
 */
export interface ComponentContext<Section = unknown> {
  /** The whole configuration; the shared sections are typed here, the component's own in `section`. */
  config: Config;
  /** The component's own configuration section, typed by its `config.ts`. */
  section: Section;
  /** A child logger named after the component. */
  logger: Logger;
  database: Database;
  metrics: Registry;
  /** The HTTP app on the HTTP listeners, for a component's routes (before start). */
  http: FastifyInstance;
  /** Where a component registers the API services it implements (before start). */
  api: ApiRegistry;
  /** The event bus: components publish events, the API streams them. */
  events: EventBus;
  /** Opens the component's own ports (UDP, TCP, websockets, HTTP), closed when it stops. */
  listen: Listen;
  /** The TLS certificate and key (`tls.certificate`, `tls.key`), or `undefined` without TLS. */
  tls: SecureContextOptions | undefined;
  /** The frequency plans: built-in and the operator's (`frequency_plans.directory`). */
  frequencyPlans: FrequencyPlans;
  /** The other components (here or in other processes) and the coordination they share. */
  cluster: Cluster;
  /** Who a caller is and what it may do, from the Identity Server (cached for seconds). */
  rights: RightsFetcher;
  /** Encrypts secrets and wraps keys at rest (`key_vault.*`). */
  keyVault: KeyVault;
  /**
   * The process's caps on client connections (`connections.*`: per address and in total),
   * shared with the HTTP and gRPC ports; absent: no caps (tests).
   */
  connectionLimiter?: ConnectionLimiter | undefined;
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
   * The component's configuration keys (its `config.ts`). They are part of the program's
   * configuration whether or not the component runs, so one file serves every process.
   */
  config?: ConfigSection;
  /**
   * Constructs the component; absent while the component is not built yet, so that
   * `lorastack start <name>` says so instead of starting something that does nothing.
   */
  create?: (context: ComponentContext) => Component;
}

/**
 * A built component: like {@link ComponentDefinition}, with `create` typed by the component's
 * own section, which the host reads out of the configuration and passes as `context.section`.
 */
export function defineComponent<Section extends ConfigSection>(definition: {
  name: string;
  title: string;
  aliases: readonly string[];
  config: Section;
  create: (context: ComponentContext<SectionValues<Section>>) => Component;
}): ComponentDefinition {
  // The host gives each component the values of its own `config`: the section's type holds.
  return definition as unknown as ComponentDefinition;
}

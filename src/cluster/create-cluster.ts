import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Registry } from "prom-client";
import type { ClusterKeys } from "../api/cluster-keys.ts";
import type { ApiRegistry } from "../api/registry.ts";
import { type Config, formatListenAddress, parseListenAddress } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import type { Claims } from "./claims.ts";
import { countedClaims } from "./claims-metrics.ts";
import type { Cluster } from "./cluster.ts";
import type { Codec } from "./codec.ts";
import type { ClusterConfig } from "./config.ts";
import type { Deduplicator } from "./deduplicator.ts";
import type { Locks } from "./locks.ts";
import { errClusterCa, errCoordinationMissing } from "./peers/errors.ts";
import { PeerDirectory } from "./peers/peers.ts";
import { PeerResolver } from "./peers/resolver.ts";
import type { PubSub } from "./pubsub.ts";
import { isPeerRole, neededPeers, type PeerRole, peerRoles } from "./roles.ts";
import type { TaskQueue } from "./task-queue.ts";

/**
 * The coordination a cluster shares: in-process implementations in embedded mode, Redis ones
 * in a cluster. Parts left out are missing in this process: using one is a typed
 * `coordination_missing` error (so that a process can start before every part exists).
 */
export interface ClusterCoordination {
  pubsub: PubSub;
  claims?: Claims;
  locks?: Locks;
  tasks?: TaskQueue;
  deduplicator?<T>(name: string, codec: Codec<T>): Deduplicator<T>;
  /** Checks that the shared store (Redis) answers now; absent when there is none. */
  ping?(): Promise<void>;
  /** Releases connections and timers; called by the cluster's `close`. */
  close?(): Promise<void>;
}

/** One thing the process depends on, checked by `/readyz`: rejects with the reason when down. */
export interface DependencyCheck {
  /** `redis`, `peer:ns`, ...: named in the readiness answer. */
  readonly name: string;
  check(): Promise<void>;
}

export interface CreateClusterOptions {
  config: Config & ClusterConfig;
  /** The services of this process, which direct peers call. */
  api: ApiRegistry;
  /** The components that run in this process (names that are peer roles count). */
  components: Iterable<string>;
  clusterKeys: ClusterKeys;
  coordination: ClusterCoordination;
  logger: Logger;
  /** This instance's id; random when not given. */
  instanceId?: string;
  /** Where `lorastack_cluster_claims{kind}` is registered; none: not counted. */
  metrics?: Registry;
  /** Answers DNS for peer lookups; made from `cluster.dns_servers` when not given. */
  resolver?: PeerResolver;
}

/** A cluster and what the process does with it once its listeners are bound, and at the end. */
export interface ClusterHandle {
  cluster: Cluster;
  /**
   * The gRPC port the process bound, when `cluster.address` is not set: the advertised
   * address takes it (it differs from the configured one when that is port 0).
   */
  advertisePort(port: number): void;
  /**
   * What this process depends on in the cluster: Redis when the coordination has one, and the
   * peers its components need (`peerNeeds` in roles.ts): a required peer that neither runs here
   * nor is configured fails its check (naming the configuration key), a remote one is probed;
   * an optional one is checked only when configured.
   */
  dependencies: readonly DependencyCheck[];
  /** Ends peer connections and the coordination. */
  close(): Promise<void>;
}

/**
 * Assembles the {@link Cluster} of a process: its peers from configuration (`cluster.*`) and
 * the coordination the caller gives. Reads the CA file of `cluster.tls_ca` now, so that a bad
 * path fails the start and not the first call.
 */
export function createCluster(options: CreateClusterOptions): ClusterHandle {
  const { config, coordination, logger } = options;
  const settings = config.cluster;
  const components = [...options.components];
  const localRoles = new Set<PeerRole>(components.filter(isPeerRole));
  const addresses: Partial<Record<PeerRole, string>> = {};
  for (const role of Object.keys(peerRoles) as PeerRole[])
    addresses[role] = settings[peerRoles[role].addressKey];
  const remoteRoles = (Object.keys(addresses) as PeerRole[]).filter(
    (role) => addresses[role] !== "" && !localRoles.has(role),
  );
  if (options.clusterKeys.generated && remoteRoles.length > 0) {
    logger.warn(
      { peers: remoteRoles },
      "cluster.keys is not set: this process uses a random cluster key, which its peers refuse; set the same cluster.keys on every process",
    );
  }

  const peers = new PeerDirectory({
    registry: options.api,
    localRoles,
    addresses,
    clusterKey: options.clusterKeys.callKey,
    tls: settings.tls,
    ca: settings.tls_ca === "" ? undefined : readCa(settings.tls_ca),
    resolver: options.resolver ?? new PeerResolver({ servers: settings.dns_servers }),
  });
  const missing = (part: string) => () => {
    throw errCoordinationMissing.create({ part });
  };
  let address = settings.address || defaultAddress(config);
  const claims =
    coordination.claims && options.metrics
      ? countedClaims(coordination.claims, options.metrics)
      : coordination.claims;
  const cluster: Cluster = {
    instanceId: options.instanceId ?? randomUUID(),
    get address() {
      return address;
    },
    peer: (role) => peers.peer(role),
    peerAt: (address) => peers.peerAt(address),
    pubsub: coordination.pubsub,
    get claims(): Claims {
      return claims ?? missing("claims")();
    },
    get locks(): Locks {
      return coordination.locks ?? missing("locks")();
    },
    get tasks(): TaskQueue {
      return coordination.tasks ?? missing("task queue")();
    },
    deduplicator<T>(name: string, codec: Codec<T>): Deduplicator<T> {
      if (!coordination.deduplicator) return missing("deduplicator")();
      return coordination.deduplicator(name, codec);
    },
  };
  const dependencies: DependencyCheck[] = [];
  const { ping } = coordination;
  if (ping) dependencies.push({ name: "redis", check: () => ping.call(coordination) });
  for (const [role, { required }] of neededPeers(components)) {
    if (!required && !localRoles.has(role) && addresses[role] === "") continue;
    dependencies.push({
      name: `peer:${role}`,
      check: async () => {
        const peer = peers.peer(role);
        if (!peer.local) await peer.probe?.();
      },
    });
  }
  return {
    cluster,
    dependencies,
    advertisePort(port) {
      if (settings.address === "") address = formatListenAddress(hostname(), port);
    },
    async close() {
      peers.close();
      await coordination.close?.();
    },
  };
}

/** This host's name and the gRPC port peers dial: the TLS one when peers dial with TLS. */
function defaultAddress(config: Config & ClusterConfig): string {
  const listen = config.cluster.tls ? config.grpc.listen_tls : config.grpc.listen;
  const port = parseListenAddress(listen)?.port ?? (config.cluster.tls ? 8884 : 1884);
  return formatListenAddress(hostname(), port);
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw errClusterCa.create(
      { file, reason: (error as NodeJS.ErrnoException).code ?? "unreadable" },
      error,
    );
  }
}

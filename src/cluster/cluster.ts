import type { Claims } from "./claims.ts";
import type { Codec } from "./codec.ts";
import type { Deduplicator } from "./deduplicator.ts";
import type { Locks } from "./locks.ts";
import type { Peer } from "./peer.ts";
import type { PubSub } from "./pubsub.ts";
import type { PeerRole } from "./roles.ts";
import type { TaskQueue } from "./task-queue.ts";

/**
 * What a component knows of the cluster it runs in: its peers and the coordination it shares
 * with the other instances. In-process implementations when `redis.uri` is empty (tasks in the
 * SQL database), Redis ones otherwise; components never see which.
 */
export interface Cluster {
  /** This instance's id, unique in the cluster (random per process). */
  readonly instanceId: string;
  /** Where other instances reach this one's gRPC services (`host:port`). */
  readonly address: string;
  /** The component of a role: in this process, or remote (configured address or DNS SRV). */
  peer(role: PeerRole): Peer;
  /** A peer at an address, such as the instance that holds a gateway's connection. */
  peerAt(address: string): Peer;
  readonly pubsub: PubSub;
  readonly claims: Claims;
  readonly locks: Locks;
  readonly tasks: TaskQueue;
  /** A deduplicator of one kind of reception; the codec is used only across instances. */
  deduplicator<T>(name: string, codec: Codec<T>): Deduplicator<T>;
}

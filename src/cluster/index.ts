/*
 * Cluster coordination: the interfaces components code against, their codecs, and the two
 * constructors of their implementations (embedded in-process, or over Redis).
 */
export type { Claim, ClaimHolder, ClaimRenewal, Claims } from "./claims.ts";
export { bytesCodec, type Codec, messageCodec, stringCodec } from "./codec.ts";
export {
  type Coordination,
  inProcessCoordination,
  type RedisConnector,
  redisCoordination,
  type TaskSettings,
} from "./coordination.ts";
export {
  errCoordinationClosed,
  errInvalidTask,
  errRedisUnavailable,
} from "./coordination-errors.ts";
export type {
  DeduplicationResult,
  DeduplicationWindow,
  Deduplicator,
} from "./deduplicator.ts";
export { InProcessPubSub } from "./in-process/pubsub.ts";
export type { Lock, Locks } from "./locks.ts";
export type { PubSub, Topic, Unsubscribe } from "./pubsub.ts";
export type { AddMode, Consumer, RetryPolicy, Task, TaskQueue } from "./task-queue.ts";

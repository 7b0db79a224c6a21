import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("cluster/coordination");

export const errInvalidTask = errors.invalidArgument(
  "invalid_task",
  "task {key} of queue {queue} is invalid: {reason}",
);
export const errCoordinationClosed = errors.unavailable(
  "coordination_closed",
  "cluster coordination is closed",
);
export const errRedisUnavailable = errors.unavailable(
  "redis_unavailable",
  "Redis is unavailable for cluster coordination: {reason}",
);
export const errInvalidInstanceId = errors.invalidArgument(
  "invalid_instance_id",
  "instance id {instance_id} must be 1 to 255 bytes of UTF-8",
);
export const errTasksNeedDatabase = errors.failedPrecondition(
  "tasks_need_database",
  "tasks kept in the database need a database",
);

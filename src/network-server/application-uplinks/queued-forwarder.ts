import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Cluster } from "../../cluster/cluster.ts";
import type { Consumer, RetryPolicy, Task } from "../../cluster/task-queue.ts";
import { DefinedError } from "../../errors/index.ts";
import type { EventBus } from "../../events/index.ts";
import { NsAs } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import { evtForwardDataUplink, evtForwardJoinAccept } from "./events.ts";
import type { ApplicationUplinkForwarder } from "./forwarder.ts";
import type { ApplicationUplinkMetrics } from "./metrics.ts";
import { applicationUpTaskKey } from "./task-key.ts";

/** The task queue where messages wait for the Application Server. */
export const applicationUpQueue = "ns.application-up";

/**
 * How queued messages are retried. An Application Server may be down for long (an upgrade, a
 * split deployment whose AS process is stopped), so the queue keeps trying: 1 s, doubling to
 * once a minute (The Things Stack retries its application uplink queue once a minute), for
 * 10,080 attempts — about a week — before a message becomes a dead letter.
 */
export const defaultApplicationUpRetry: Required<RetryPolicy> = {
  maxAttempts: 10_080,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
};

/** Failures of the direct path are logged at most this often (every uplink fails while the AS is down). */
const warnIntervalMs = 60_000;

export interface ApplicationUplinkForwarderOptions {
  cluster: Cluster;
  logger: Logger;
  metrics?: ApplicationUplinkMetrics;
  /** Where `ns.up.data.forward` and `ns.up.join.accept.forward` go once the AS took a message. */
  events?: EventBus;
  retry?: RetryPolicy;
  now?: () => number;
}

/** The forwarder, with the consumer of its queue: `start` it with the component, `stop` it before the cluster closes. */
export interface QueuedApplicationUplinkForwarder extends ApplicationUplinkForwarder {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Hands messages to the Application Server at least once: `NsAs.HandleUplink` through the
 * cluster's `as` peer at once (a direct call when the AS runs in this process); when that
 * fails, each message waits in the task queue ({@link applicationUpQueue}, the message in
 * protobuf binary, keyed by {@link applicationUpTaskKey}) and `forward` resolves once it is
 * durable. The consumer (one at a time per instance, so tasks go out in due-time order) sends
 * them one by one with back-off; a message given up is logged as a dead letter.
 *
 * Order: each queued message is due a millisecond after the one queued before it by this
 * instance. Messages of a device are retried in the order they were queued as long as their
 * back-off is the same; a message queued later may overtake one whose back-off has grown
 * (the task queue orders by due time only), and a direct forward after the AS came back may
 * overtake queued ones. Every message carries its FCnt and time, so the AS can tell.
 */
export function createApplicationUplinkForwarder(
  options: ApplicationUplinkForwarderOptions,
): QueuedApplicationUplinkForwarder {
  const { cluster, logger, metrics, events } = options;
  const now = options.now ?? Date.now;
  const retry = { ...defaultApplicationUpRetry, ...options.retry };
  let consumer: Consumer | undefined;
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let lastDueAt = 0;

  const send = async (ups: ApplicationUp[]) => {
    await cluster.peer("as").client(NsAs).handleUplink({ applicationUps: ups });
    if (events) for (const up of ups) publishForwarded(events, up);
  };

  const handle = async (task: Task) => {
    let up: ApplicationUp;
    try {
      up = fromBinary(ApplicationUpSchema, task.payload);
    } catch (error) {
      // Not written by this code: retrying cannot help.
      metrics?.failed.inc({ stage: "undecodable" });
      logger.error(
        { err: error, key: task.key },
        "dropped an application up task that does not decode",
      );
      return;
    }
    try {
      await send([up]);
    } catch (error) {
      metrics?.failed.inc({ stage: "retry" });
      if (task.attempt >= retry.maxAttempts) {
        metrics?.failed.inc({ stage: "dead_letter" });
        logger.error(
          { err: error, key: task.key, attempts: task.attempt, queue: applicationUpQueue },
          "gave up handing a message to the Application Server; it is kept as a dead letter",
        );
      }
      throw error;
    }
    metrics?.forwarded.inc({ path: "queue" });
  };

  return {
    async forward(ups) {
      if (ups.length === 0) return;
      try {
        await send([...ups]);
        metrics?.forwarded.inc({ path: "direct" }, ups.length);
        return;
      } catch (error) {
        metrics?.failed.inc({ stage: "direct" });
        if (now() - lastWarnAt >= warnIntervalMs) {
          lastWarnAt = now();
          logger.warn(
            { err: error, error: error instanceof DefinedError ? error.name : "unknown" },
            "the Application Server did not take messages; they wait in the task queue (logged once a minute)",
          );
        }
      }
      try {
        for (const up of ups) {
          const payload = toBinary(ApplicationUpSchema, up);
          // Tasks due at the same time come out in no fixed order: each gets its own
          // millisecond, so a join-accept goes before the uplink that follows it.
          lastDueAt = Math.max(now(), lastDueAt + 1);
          await cluster.tasks.add(applicationUpQueue, {
            key: applicationUpTaskKey(up, payload),
            payload,
            dueAt: new Date(lastDueAt),
            // A retried forward of a message still waiting keeps its attempts and due time.
            mode: "earliest",
          });
          metrics?.queued.inc();
        }
      } catch (error) {
        metrics?.failed.inc({ stage: "queue" });
        throw error;
      }
    },
    start() {
      if (consumer) return;
      consumer = cluster.tasks.consume(applicationUpQueue, handle, { ...retry, concurrency: 1 });
    },
    async stop() {
      const stopping = consumer;
      consumer = undefined;
      await stopping?.stop();
    },
  };
}

function publishForwarded(events: EventBus, up: ApplicationUp): void {
  const ids = up.endDeviceIds;
  const applicationId = ids?.applicationIds?.applicationId;
  if (!applicationId || !ids?.deviceId) return;
  const identifiers = [{ kind: "end_device" as const, id: `${applicationId}.${ids.deviceId}` }];
  const correlationIds = up.correlationIds;
  if (up.up.case === "uplinkMessage")
    events.publish(evtForwardDataUplink, { identifiers, correlationIds, data: up });
  else if (up.up.case === "joinAccept") {
    // The AppSKey stays between the servers; the event shows the rest of the join-accept.
    const joinAccept = { ...up.up.value, appSKey: undefined };
    events.publish(evtForwardJoinAccept, {
      identifiers,
      correlationIds,
      data: { ...up, up: { case: "joinAccept", value: joinAccept } },
    });
  }
}

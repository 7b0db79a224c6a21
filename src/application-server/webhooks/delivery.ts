import type { Consumer, RetryPolicy, Task, TaskQueue } from "../../cluster/task-queue.ts";
import type { Logger } from "../../log/logger.ts";
import { decodeDelivery, deliveryQueue } from "./delivery-task.ts";
import { type HealthRules, healthVerdict, recordOutcome } from "./health.ts";
import type { WebhookMetrics } from "./metrics.ts";
import type { WebhookRegistry } from "./registry.ts";
import { buildRequest, type DownlinkCallbacks } from "./request.ts";
import type { SendRequest } from "./send.ts";

export interface DeliveryOptions {
  registry: WebhookRegistry;
  tasks: TaskQueue;
  send: SendRequest;
  rules: HealthRules;
  callbacks: DownlinkCallbacks;
  userAgent: string;
  metrics: WebhookMetrics;
  logger: Logger;
  /** Deliveries in flight on this instance, all webhooks together (default 64). */
  concurrency?: number;
  /**
   * Requests in flight to one webhook on this instance (default 4): a slow or dead endpoint
   * holds at most this many of the consumer's slots, never all of them.
   */
  perWebhookConcurrency?: number;
  /** How long a delivery is put off when its webhook has its most requests in flight (default 500 ms). */
  deferMs?: number;
  /** Attempts and back-off of a failing delivery (the task queue's; default 5 attempts from 1 s). */
  retry?: RetryPolicy;
  now?: () => number;
}

/**
 * The consumer of webhook deliveries: for each task, reads the webhook (its current URL,
 * headers and health), drops the delivery when the webhook is gone, paused or suspended,
 * otherwise sends it and records the outcome in the webhook's health. A failure is thrown, so
 * the task queue retries it with back-off. A suspended webhook past its retry interval gets one
 * probe at a time (on this instance); its other deliveries are dropped meanwhile.
 */
export function startDeliveries(options: DeliveryOptions): Consumer {
  const { registry, tasks, send, rules, callbacks, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const perWebhook = Math.max(1, options.perWebhookConcurrency ?? 4);
  const deferMs = options.deferMs ?? 500;
  const inFlight = new Map<string, number>();
  const probing = new Set<string>();

  async function handle(task: Task): Promise<void> {
    let delivery: ReturnType<typeof decodeDelivery>;
    try {
      delivery = decodeDelivery(task.payload);
    } catch (error) {
      metrics.drops.inc({ reason: "invalid" });
      logger.warn({ err: error, key: task.key }, "dropped an unreadable webhook delivery task");
      return;
    }
    const key = delivery.webhook;
    const webhook = await registry.get(key);
    if (!webhook) return void metrics.drops.inc({ reason: "deleted" });
    if (webhook.paused) return void metrics.drops.inc({ reason: "paused" });
    const slot = `${key.applicationId}/${key.webhookId}`;
    const verdict = healthVerdict(webhook.healthStatus, rules, now());
    if (verdict === "suspended" || (verdict === "probe" && probing.has(slot)))
      return void metrics.drops.inc({ reason: "suspended" });
    const busy = inFlight.get(slot) ?? 0;
    if (busy >= perWebhook) {
      // Added while this task is handled, it becomes pending once the handler returns.
      metrics.deferred.inc();
      await tasks.add(deliveryQueue, {
        key: task.key,
        payload: task.payload,
        dueAt: new Date(now() + deferMs),
      });
      return;
    }
    let request: ReturnType<typeof buildRequest>;
    try {
      request = buildRequest(webhook, delivery.up, callbacks, options.userAgent);
    } catch (error) {
      // A webhook that cannot make this request (unknown format, bad URL) fails as a request would.
      await recordOutcome(registry, key, error, now());
      metrics.requests.inc({ result: "failed" });
      throw error;
    }
    if (!request) return void metrics.drops.inc({ reason: "unsent_type" });
    inFlight.set(slot, busy + 1);
    if (verdict === "probe") probing.add(slot);
    let failure: unknown;
    try {
      await send(request);
    } catch (error) {
      failure = error;
    } finally {
      const left = (inFlight.get(slot) ?? 1) - 1;
      if (left > 0) inFlight.set(slot, left);
      else inFlight.delete(slot);
      if (verdict === "probe") probing.delete(slot);
    }
    metrics.requests.inc({ result: failure === undefined ? "ok" : "failed" });
    // Healthy and still healthy: nothing to write (the common case costs no database write).
    const wasHealthy = webhook.healthStatus?.status.case === "healthy";
    if (failure !== undefined || !wasHealthy) await recordOutcome(registry, key, failure, now());
    if (failure !== undefined) throw failure;
  }

  return tasks.consume(deliveryQueue, handle, {
    ...options.retry,
    concurrency: options.concurrency ?? 64,
  });
}

import type { TaskQueue } from "../../cluster/task-queue.ts";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationUpSink } from "../traffic.ts";
import { deliveryKey, deliveryQueue, encodeDelivery } from "./delivery-task.ts";
import { type HealthRules, healthVerdict } from "./health.ts";
import { webhookMessage } from "./messages.ts";
import type { WebhookMetrics } from "./metrics.ts";
import type { WebhookRegistry } from "./registry.ts";

/**
 * The webhooks' {@link ApplicationUpSink}: one durable delivery task per webhook of the
 * message's application that sends its type, queued before `handle` resolves. Paused and
 * suspended webhooks get none (counted as dropped).
 */
export function webhookSink(options: {
  registry: WebhookRegistry;
  tasks: TaskQueue;
  rules: HealthRules;
  metrics: WebhookMetrics;
  now?: () => number;
}): ApplicationUpSink {
  const { registry, tasks, rules, metrics } = options;
  const now = options.now ?? Date.now;
  return {
    name: "webhooks",
    async handle(up: ApplicationUp) {
      const applicationId = up.endDeviceIds?.applicationIds?.applicationId;
      if (!applicationId) return;
      const webhooks = await registry.list(applicationId);
      const adds: Promise<void>[] = [];
      for (const webhook of webhooks) {
        if (!webhookMessage(webhook, up)) continue;
        if (webhook.paused) {
          metrics.drops.inc({ reason: "paused" });
          continue;
        }
        if (healthVerdict(webhook.healthStatus, rules, now()) === "suspended") {
          metrics.drops.inc({ reason: "suspended" });
          continue;
        }
        const key = { applicationId, webhookId: webhook.ids?.webhookId ?? "" };
        adds.push(
          tasks.add(deliveryQueue, {
            key: deliveryKey(key, up),
            payload: encodeDelivery({ webhook: key, up }),
          }),
        );
      }
      await Promise.all(adds);
      metrics.queued.inc(adds.length);
    },
  };
}

import type { FastifyInstance } from "fastify";
import type { ApiRegistry } from "../../api/registry.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { Consumer, RetryPolicy, TaskQueue } from "../../cluster/task-queue.ts";
import { ApplicationWebhookRegistry } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Registry } from "../../metrics/registry.ts";
import type { Database } from "../../storage/index.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import { startDeliveries } from "./delivery.ts";
import { registerDownlinkRoutes } from "./downlink-routes.ts";
import { type WebhookMetrics, webhookMetrics } from "./metrics.ts";
import { SqlWebhookRegistry, type WebhookRegistry } from "./registry.ts";
import type { DownlinkCallbacks } from "./request.ts";
import { httpSender, type SendRequest } from "./send.ts";
import { webhookRegistryService } from "./service.ts";
import { webhookSink } from "./sink.ts";

/** The `as.webhooks.*` settings, in milliseconds. */
export interface WebhookSettings {
  /** `as.webhooks.timeout` (default 5 s). */
  timeoutMs: number;
  /** `as.webhooks.unhealthy_attempts_threshold` (default 5). */
  unhealthyAttemptsThreshold: number;
  /** `as.webhooks.unhealthy_retry_interval` (default 1 min). */
  unhealthyRetryIntervalMs: number;
  /** Where receivers call back and the `X-Tts-Domain` they are told. */
  callbacks: DownlinkCallbacks;
  /** Retries of a failed delivery (task queue back-off). */
  retry?: RetryPolicy;
  concurrency?: number;
  perWebhookConcurrency?: number;
  userAgent?: string;
}

export interface WebhooksOptions {
  database: Database;
  tasks: TaskQueue;
  rights: RightsFetcher;
  queue: ApplicationDownlinkQueue;
  metrics: Registry;
  logger: Logger;
  settings: WebhookSettings;
  /** Replaces the HTTP client (tests). */
  send?: SendRequest;
  now?: () => number;
}

/** The webhooks as the Application Server wires them. */
export interface Webhooks {
  registry: WebhookRegistry;
  /** Give it every ApplicationUp (see `ApplicationUpSink`). */
  sink: ApplicationUpSink;
  metrics: WebhookMetrics;
  /** Registers `ApplicationWebhookRegistry` on the API (before the HTTP server starts). */
  registerServices(api: ApiRegistry): void;
  /** Mounts the downlink callback routes on the HTTP app (before it starts). */
  registerRoutes(http: FastifyInstance): Promise<void>;
  /** Starts delivering queued messages. */
  start(): void;
  /** Stops taking deliveries and waits for those in flight. */
  stop(): Promise<void>;
}

/** Builds the webhooks: registry (table `as_webhooks`), service, sink, delivery consumer, routes. */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const { settings, logger } = options;
  const registry = new SqlWebhookRegistry(options.database.db);
  const metrics = webhookMetrics(options.metrics);
  const rules = {
    unhealthyAttemptsThreshold: settings.unhealthyAttemptsThreshold,
    unhealthyRetryIntervalMs: settings.unhealthyRetryIntervalMs,
  };
  const now = options.now ?? Date.now;
  let consumer: Consumer | undefined;
  return {
    registry,
    metrics,
    sink: webhookSink({ registry, tasks: options.tasks, rules, metrics, now }),
    registerServices(api) {
      api.register(
        ApplicationWebhookRegistry,
        webhookRegistryService({ registry, rights: options.rights, now }),
      );
    },
    registerRoutes(http) {
      return registerDownlinkRoutes(http, {
        registry,
        rights: options.rights,
        queue: options.queue,
        logger,
      });
    },
    start() {
      consumer ??= startDeliveries({
        registry,
        tasks: options.tasks,
        send: options.send ?? httpSender({ timeoutMs: settings.timeoutMs }),
        rules,
        callbacks: settings.callbacks,
        userAgent: settings.userAgent ?? "lorastack-webhooks/0.1",
        metrics,
        logger,
        now,
        ...(settings.retry ? { retry: settings.retry } : {}),
        ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
        ...(settings.perWebhookConcurrency
          ? { perWebhookConcurrency: settings.perWebhookConcurrency }
          : {}),
      });
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}

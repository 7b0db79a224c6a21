import type { ApplicationPubSub } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { type ConnectionSettings, type MqttConnect, PubSubConnection } from "./connection.ts";
import { findFormat } from "./formats.ts";
import type { PubSubMetrics } from "./metrics.ts";
import type { PubSubKey, PubSubRegistry } from "./registry.ts";
import { checkPubSub } from "./validate.ts";

/** What the running pub/subs are built from. */
export interface IntegrationsOptions {
  registry: PubSubRegistry;
  queue: ApplicationDownlinkQueue;
  logger: Logger;
  metrics: PubSubMetrics;
  settings: ConnectionSettings;
  /** Replaces MQTT.js's `connect` (tests). */
  connect?: MqttConnect;
}

const keyText = (key: PubSubKey) => `${key.applicationId}/${key.pubSubId}`;
const keyOf = (pubsub: ApplicationPubSub): PubSubKey => ({
  applicationId: pubsub.ids?.applicationIds?.applicationId ?? "",
  pubSubId: pubsub.ids?.pubSubId ?? "",
});

/**
 * The running pub/subs of this instance: one {@link PubSubConnection} per stored pub/sub,
 * indexed by application for the sink. `refresh(key)` makes a pub/sub's connection follow its
 * stored state (started, restarted with the new settings, or stopped); refreshes of one key
 * run one after another, each reading the registry afresh, so the last change wins.
 *
 * Cluster note: every instance that runs the Application Server holds every pub/sub's
 * connection, so each message would be published once per instance. Before lorastack runs
 * several AS instances, a pub/sub must be held by one instance (a `Claims` claim per pub/sub).
 */
export class PubSubIntegrations {
  readonly #byKey = new Map<string, PubSubConnection>();
  readonly #byApplication = new Map<string, Map<string, PubSubConnection>>();
  readonly #chains = new Map<string, Promise<void>>();
  readonly #options: IntegrationsOptions;
  #running = false;

  constructor(options: IntegrationsOptions) {
    this.#options = options;
  }

  /** The running connections of an application's pub/subs. */
  ofApplication(applicationId: string): Iterable<PubSubConnection> {
    return this.#byApplication.get(applicationId)?.values() ?? [];
  }

  /** The running connection of a pub/sub, if any. */
  get(key: PubSubKey): PubSubConnection | undefined {
    return this.#byKey.get(keyText(key));
  }

  /** Starts every stored pub/sub. */
  async start(): Promise<void> {
    this.#running = true;
    const refreshes: Promise<void>[] = [];
    for await (const pubsub of this.#options.registry.all())
      refreshes.push(this.refresh(keyOf(pubsub)));
    await Promise.all(refreshes);
  }

  /** Stops every connection (and refuses to start more until `start`). */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all([...this.#chains.values()]);
    await Promise.all([...this.#byKey.keys()].map((text) => this.#stopOne(text)));
  }

  /** Makes the pub/sub's connection follow what is stored now; never throws. */
  refresh(key: PubSubKey): Promise<void> {
    const text = keyText(key);
    const previous = this.#chains.get(text) ?? Promise.resolve();
    const next = previous
      .then(() => this.#refresh(key))
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error, ...logFields(key) }, "pub/sub refresh failed");
      });
    this.#chains.set(text, next);
    void next.then(() => {
      if (this.#chains.get(text) === next) this.#chains.delete(text);
    });
    return next;
  }

  async #refresh(key: PubSubKey): Promise<void> {
    const text = keyText(key);
    await this.#stopOne(text);
    if (!this.#running) return;
    const pubsub = await this.#options.registry.get(key);
    if (!pubsub || !this.#running) return;
    const logger = this.#options.logger.child(logFields(key));
    try {
      // Stored before a rule changed, or by hand: a pub/sub that cannot run is logged, not run.
      checkPubSub(pubsub);
    } catch (error) {
      logger.warn({ err: error }, "pub/sub not started");
      return;
    }
    const format = findFormat(pubsub.format);
    if (!format) return;
    const connection = new PubSubConnection(pubsub, format, {
      queue: this.#options.queue,
      logger,
      metrics: this.#options.metrics,
      settings: this.#options.settings,
      ...(this.#options.connect ? { connect: this.#options.connect } : {}),
    });
    this.#byKey.set(text, connection);
    let ofApplication = this.#byApplication.get(key.applicationId);
    if (!ofApplication) {
      ofApplication = new Map();
      this.#byApplication.set(key.applicationId, ofApplication);
    }
    ofApplication.set(key.pubSubId, connection);
    connection.start();
  }

  async #stopOne(text: string): Promise<void> {
    const connection = this.#byKey.get(text);
    if (!connection) return;
    this.#byKey.delete(text);
    const { applicationId, pubSubId } = keyOf(connection.pubsub);
    const ofApplication = this.#byApplication.get(applicationId);
    ofApplication?.delete(pubSubId);
    if (ofApplication?.size === 0) this.#byApplication.delete(applicationId);
    await connection.stop();
  }
}

const logFields = (key: PubSubKey) => ({
  application_id: key.applicationId,
  pub_sub_id: key.pubSubId,
});

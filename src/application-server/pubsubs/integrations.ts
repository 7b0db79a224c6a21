import type { Claim, ClaimRenewal, Claims } from "../../cluster/claims.ts";
import { type Codec, stringCodec } from "../../cluster/codec.ts";
import type { PubSub, Topic, Unsubscribe } from "../../cluster/pubsub.ts";
import { KeyedQueue } from "../../concurrency/keyed-queue.ts";
import type { ApplicationPubSub } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { type ConnectionSettings, type MqttConnect, PubSubConnection } from "./connection.ts";
import { findFormat, type PubSubFormat } from "./formats.ts";
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
  /**
   * The cluster: which instance holds each pub/sub's connection (its claims), where changes
   * are announced and messages forwarded to the holder (its PubSub). Absent: this instance
   * holds every pub/sub (one process).
   */
  cluster?: {
    claims: Claims;
    pubsub: PubSub;
    instanceId: string;
    /** How long a holder's claim lasts unless renewed (renewed at a third); default 30 s. */
    claimTtlMs?: number;
  };
}

/** Where the sink hands a pub/sub's messages: its connection here, or the instance holding it. */
export interface PubSubTarget {
  readonly pubsub: ApplicationPubSub;
  readonly format: PubSubFormat;
  publish(topic: string, payload: Uint8Array): void;
}

const keyText = (key: PubSubKey) => `${key.applicationId}/${key.pubSubId}`;
const keyOf = (pubsub: ApplicationPubSub): PubSubKey => ({
  applicationId: pubsub.ids?.applicationIds?.applicationId ?? "",
  pubSubId: pubsub.ids?.pubSubId ?? "",
});

/** The cluster topic that names a pub/sub that changed (`app/id`), with who changed it. */
export const pubSubChangedTopic = "as.pubsubs.changed";
/** The cluster topic of messages for a pub/sub whose connection another instance holds. */
export const pubSubForwardTopic = "as.pubsubs.forward";

/** A message for the connection of a pub/sub held by another instance. */
interface Forwarded {
  key: string;
  topic: string;
  payload: Uint8Array;
}

const forwardedCodec: Codec<Forwarded> = {
  encode: (message) =>
    Buffer.from(
      JSON.stringify({
        k: message.key,
        t: message.topic,
        p: Buffer.from(message.payload).toString("base64"),
      }),
    ),
  decode(bytes) {
    const json = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
    if (typeof json.k !== "string" || typeof json.t !== "string" || typeof json.p !== "string")
      throw new Error("not a forwarded pub/sub message");
    return { key: json.k, topic: json.t, payload: Buffer.from(json.p, "base64") };
  },
};

/** A stored pub/sub known here; its connection runs here when this instance holds its claim. */
interface Entry {
  pubsub: ApplicationPubSub;
  format: PubSubFormat;
  connection: PubSubConnection | undefined;
  claim: Claim | undefined;
  /** Messages of instances that do not hold it go through here. */
  target: PubSubTarget;
}

/**
 * The pub/subs of this instance: every stored pub/sub is known here, indexed by application
 * for the sink, and its connection runs on the one instance of the cluster that holds its claim
 * (so that a downlink arriving from the broker is queued once, and a fixed MQTT client ID is
 * used by one connection). The sink of another instance forwards the messages to the holder
 * through the cluster's PubSub; when the holder goes away, its claim expires and another
 * instance takes the pub/sub over at its next attempt (every third of the claim's time).
 *
 * `refresh(key)` makes a pub/sub follow its stored state here (started, restarted with the new
 * settings, or stopped); `changed(key)` does so on every instance. Refreshes of one key run
 * one after another, each reading the registry afresh, so the last change wins.
 */
export class PubSubIntegrations {
  readonly #entries = new Map<string, Entry>();
  readonly #byApplication = new Map<string, Map<string, Entry>>();
  readonly #chains = new KeyedQueue();
  readonly #options: IntegrationsOptions;
  readonly #claimTtlMs: number;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: Unsubscribe[] = [];
  #changedTopic: Topic<string> | undefined;
  #forwardTopic: Topic<Forwarded> | undefined;

  constructor(options: IntegrationsOptions) {
    this.#options = options;
    this.#claimTtlMs = options.cluster?.claimTtlMs ?? 30_000;
  }

  /** Where the messages of an application's pub/subs go (one target per pub/sub). */
  ofApplication(applicationId: string): Iterable<PubSubTarget> {
    const entries = this.#byApplication.get(applicationId);
    return entries ? [...entries.values()].map((entry) => entry.connection ?? entry.target) : [];
  }

  /** The connection of a pub/sub running here, if any. */
  get(key: PubSubKey): PubSubConnection | undefined {
    return this.#entries.get(keyText(key))?.connection;
  }

  /** Starts every stored pub/sub (its connection where this instance holds it). */
  async start(): Promise<void> {
    this.#running = true;
    const cluster = this.#options.cluster;
    if (cluster) {
      const changed = cluster.pubsub.topic(pubSubChangedTopic, stringCodec);
      const forward = cluster.pubsub.topic(pubSubForwardTopic, forwardedCodec);
      this.#changedTopic = changed;
      this.#forwardTopic = forward;
      this.#unsubscribe.push(
        changed.subscribe((message) => this.#announced(message)),
        forward.subscribe((message) => this.#forwarded(message)),
      );
      const gap = cluster.pubsub.onGap?.(() => void this.#resync());
      if (gap) this.#unsubscribe.push(gap);
      this.#timer = setInterval(() => this.#renewAll(), Math.max(100, this.#claimTtlMs / 3));
      this.#timer.unref();
    }
    await this.#resync();
  }

  /** Stops every connection, gives up the claims (and refuses to start more until `start`). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#chains.idle();
    await Promise.all([...this.#entries.keys()].map((text) => this.#forget(text)));
  }

  /** Makes the pub/sub follow what is stored now, here; never throws. */
  refresh(key: PubSubKey): Promise<void> {
    return this.#serially(keyText(key), () => this.#refresh(key), "pub/sub refresh failed");
  }

  /** Makes the pub/sub follow what is stored now on every instance (after a change). */
  changed(key: PubSubKey): Promise<void> {
    const refreshed = this.refresh(key);
    const cluster = this.#options.cluster;
    this.#changedTopic?.publish(JSON.stringify([cluster?.instanceId, keyText(key)]));
    return refreshed;
  }

  /** Runs `work` after the key's earlier work; logs what it throws. */
  #serially(text: string, work: () => Promise<void>, failure: string): Promise<void> {
    return this.#chains.run(text, work).catch((error: unknown) => {
      this.#options.logger.error({ err: error, key: text }, failure);
    });
  }

  /** Reads every stored pub/sub; refreshes those that are new, changed or gone. */
  async #resync(): Promise<void> {
    const stored = new Set<string>();
    const refreshes: Promise<void>[] = [];
    for await (const pubsub of this.#options.registry.all()) {
      const key = keyOf(pubsub);
      const text = keyText(key);
      stored.add(text);
      const known = this.#entries.get(text)?.pubsub;
      if (!known || !sameTime(known.updatedAt, pubsub.updatedAt)) refreshes.push(this.refresh(key));
    }
    for (const [text, entry] of this.#entries)
      if (!stored.has(text)) refreshes.push(this.refresh(keyOf(entry.pubsub)));
    await Promise.all(refreshes);
  }

  async #refresh(key: PubSubKey): Promise<void> {
    const text = keyText(key);
    const previous = this.#entries.get(text);
    if (previous?.connection) await previous.connection.stop();
    this.#remove(text);
    const pubsub = this.#running ? await this.#options.registry.get(key) : undefined;
    const logger = this.#options.logger.child(logFields(key));
    let format: PubSubFormat | undefined;
    if (pubsub) {
      try {
        // Stored before a rule changed, or by hand: a pub/sub that cannot run is logged, not run.
        checkPubSub(pubsub);
        format = findFormat(pubsub.format);
      } catch (error) {
        logger.warn({ err: error }, "pub/sub not started");
      }
    }
    if (!pubsub || !format || !this.#running) {
      await previous?.claim?.release().catch(() => {});
      return;
    }
    const forward = this.#forwardTopic;
    const entry: Entry = {
      pubsub,
      format,
      connection: undefined,
      claim: previous?.claim,
      target: {
        pubsub,
        format,
        publish: (topic, payload) => forward?.publish({ key: text, topic, payload }),
      },
    };
    this.#entries.set(text, entry);
    let ofApplication = this.#byApplication.get(key.applicationId);
    if (!ofApplication) {
      ofApplication = new Map();
      this.#byApplication.set(key.applicationId, ofApplication);
    }
    ofApplication.set(key.pubSubId, entry);
    await this.#hold(text, entry);
  }

  /** Starts the entry's connection if this instance holds (or can claim) the pub/sub. */
  async #hold(text: string, entry: Entry): Promise<void> {
    const claims = this.#options.cluster?.claims;
    if (claims && !entry.claim) {
      try {
        entry.claim = await claims.claim(`as-pubsub:${text}`, this.#claimTtlMs);
      } catch (error) {
        this.#options.logger.debug({ err: error, key: text }, "pub/sub claim failed");
      }
      if (!entry.claim) return;
    }
    if (!this.#running || this.#entries.get(text) !== entry) {
      await entry.claim?.release().catch(() => {});
      return;
    }
    const connection = new PubSubConnection(entry.pubsub, entry.format, {
      queue: this.#options.queue,
      logger: this.#options.logger.child(logFields(keyOf(entry.pubsub))),
      metrics: this.#options.metrics,
      settings: this.#options.settings,
      ...(this.#options.connect ? { connect: this.#options.connect } : {}),
    });
    entry.connection = connection;
    connection.start();
  }

  /** Renews the claims held, and tries to take the pub/subs nobody holds. */
  #renewAll(): void {
    for (const [text, entry] of this.#entries) {
      void this.#serially(
        text,
        async () => {
          if (this.#entries.get(text) !== entry || !this.#running) return;
          if (!entry.claim) return this.#hold(text, entry);
          let renewal: ClaimRenewal;
          try {
            renewal = await entry.claim.renew();
          } catch {
            return; // The store is away: keep the connection, try again next time.
          }
          if (renewal !== "taken") return;
          this.#options.logger.info({ key: text }, "pub/sub taken over by another instance");
          entry.claim = undefined;
          const connection = entry.connection;
          entry.connection = undefined;
          await connection?.stop();
        },
        "pub/sub claim renewal failed",
      );
    }
  }

  #announced(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(parsed) || typeof parsed[1] !== "string") return;
    if (parsed[0] === this.#options.cluster?.instanceId) return;
    const slash = parsed[1].indexOf("/");
    if (slash <= 0) return;
    void this.refresh({
      applicationId: parsed[1].slice(0, slash),
      pubSubId: parsed[1].slice(slash + 1),
    });
  }

  #forwarded(message: Forwarded): void {
    // Every instance gets it; the holder publishes it.
    this.#entries.get(message.key)?.connection?.publish(message.topic, message.payload);
  }

  /** Stops a pub/sub here and gives up its claim. */
  async #forget(text: string): Promise<void> {
    const entry = this.#entries.get(text);
    if (!entry) return;
    this.#remove(text);
    await entry.connection?.stop();
    await entry.claim?.release().catch(() => {});
  }

  #remove(text: string): void {
    const entry = this.#entries.get(text);
    if (!entry) return;
    this.#entries.delete(text);
    const { applicationId, pubSubId } = keyOf(entry.pubsub);
    const ofApplication = this.#byApplication.get(applicationId);
    ofApplication?.delete(pubSubId);
    if (ofApplication?.size === 0) this.#byApplication.delete(applicationId);
  }
}

function sameTime(a: ApplicationPubSub["updatedAt"], b: ApplicationPubSub["updatedAt"]): boolean {
  return a?.seconds === b?.seconds && a?.nanos === b?.nanos;
}

const logFields = (key: PubSubKey) => ({
  application_id: key.applicationId,
  pub_sub_id: key.pubSubId,
});

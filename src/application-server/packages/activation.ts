import { stringCodec } from "../../cluster/codec.ts";
import type { PubSub, Topic, Unsubscribe } from "../../cluster/pubsub.ts";
import type { PackageActivation, PackageRegistry } from "./registry.ts";

/** The cluster topic that names an application whose associations changed. */
export const packagesChangedTopic = "as.packages.changed";

export interface PackageActivationsOptions {
  registry: Pick<PackageRegistry, "activation">;
  pubsub: PubSub;
  /** The package whose activation is kept (`storage-integration`). */
  packageName: string;
  /**
   * How long an application's entry is trusted (default 10 minutes): changes are announced
   * through the PubSub, which is best effort (a Redis reconnect can lose one); the entry is
   * read again after this long at the latest.
   */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  activation: PackageActivation;
  expiresAtMs: number;
}

/**
 * Where one package is turned on, per application, kept in memory: the question asked for
 * every uplink ("is this device's message for the package?") costs a map lookup once the
 * application's entry is read (two queries, shared by concurrent askers). A change of an
 * application's associations (`changed`) drops its entry on every instance of the cluster.
 */
export class PackageActivations {
  readonly #registry: Pick<PackageRegistry, "activation">;
  readonly #packageName: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #topic: Topic<string>;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<PackageActivation>>();
  #unsubscribe: Unsubscribe | undefined;

  constructor(options: PackageActivationsOptions) {
    this.#registry = options.registry;
    this.#packageName = options.packageName;
    this.#ttlMs = options.ttlMs ?? 600_000;
    this.#now = options.now ?? Date.now;
    this.#topic = options.pubsub.topic(packagesChangedTopic, stringCodec);
  }

  /** Listens for changes made on any instance (call before traffic flows). */
  start(): void {
    this.#unsubscribe ??= this.#topic.subscribe((applicationId) => this.#forget(applicationId));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /**
   * Whether the package is on for the end device: through a default association of its
   * application or an association of its own, on any FPort. A boolean when the application's
   * entry is in memory, a promise when it must be read.
   */
  isActive(applicationId: string, deviceId: string): boolean | Promise<boolean> {
    const entry = this.#entries.get(applicationId);
    if (entry && entry.expiresAtMs > this.#now()) return activeFor(entry.activation, deviceId);
    return this.#load(applicationId).then((activation) => activeFor(activation, deviceId));
  }

  /** Drops the application's entry here and on every other instance (after a change). */
  changed(applicationId: string): void {
    this.#forget(applicationId);
    this.#topic.publish(applicationId);
  }

  /** How many applications are in memory (tests, metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #load(applicationId: string): Promise<PackageActivation> {
    const pending = this.#loading.get(applicationId);
    if (pending) return pending;
    const loading = this.#registry
      .activation(applicationId, this.#packageName)
      .then((activation) => {
        // A change announced while this read ran dropped `loading`: its answer may be stale.
        if (this.#loading.get(applicationId) === loading)
          this.#entries.set(applicationId, {
            activation,
            expiresAtMs: this.#now() + this.#ttlMs,
          });
        return activation;
      })
      .finally(() => {
        if (this.#loading.get(applicationId) === loading) this.#loading.delete(applicationId);
      });
    this.#loading.set(applicationId, loading);
    return loading;
  }

  #forget(applicationId: string): void {
    this.#entries.delete(applicationId);
    this.#loading.delete(applicationId);
  }
}

function activeFor(activation: PackageActivation, deviceId: string): boolean {
  return activation.application || activation.devices.has(deviceId);
}

import type { ApiRegistry } from "../../api/registry.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import type { PubSub } from "../../cluster/pubsub.ts";
import type { EventBus, StackEvent } from "../../events/index.ts";
import { ApplicationPackageRegistry } from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Database } from "../../storage/index.ts";
import { PackageActivations } from "./activation.ts";
import { packageCatalog, storagePackageName } from "./catalog.ts";
import { type PackageRegistry, SqlPackageRegistry } from "./registry.ts";
import { type OfferedPackages, packageRegistryService } from "./service.ts";

export interface PackagesOptions {
  database: Database;
  pubsub: PubSub;
  rights: RightsFetcher;
  events: EventBus;
  logger: Logger;
  /** Whether the storage integration runs (`as.storage.enabled`): only then is it offered. */
  storage: boolean;
  /** How long an application's activation is trusted without a change announced. */
  activationTtlMs?: number;
}

/** The application packages as the Application Server wires them. */
export interface Packages {
  registry: PackageRegistry;
  /** Where `storage-integration` is on, per application, kept in memory. */
  storage: PackageActivations;
  offered: OfferedPackages;
  /** Registers `ApplicationPackageRegistry` on the API (before the HTTP server starts). */
  registerServices(api: ApiRegistry): void;
  /** Forgets the end device's associations (it was deleted). */
  deviceDeleted(applicationId: string, deviceId: string): Promise<void>;
  start(): void;
  stop(): void;
}

// The Identity Server's deletions, seen by every instance: the entity's associations go too.
const deletions: Record<string, (packages: Packages, event: StackEvent) => Promise<void>> = {
  "application.delete": async (packages, event) => {
    for (const entity of event.identifiers)
      if (entity.kind === "application") {
        await packages.registry.deleteApplication(entity.id);
        packages.storage.changed(entity.id);
      }
  },
  "end_device.delete": async (packages, event) => {
    for (const entity of event.identifiers) {
      const dot = entity.id.indexOf(".");
      if (entity.kind === "end_device" && dot > 0)
        await packages.deviceDeleted(entity.id.slice(0, dot), entity.id.slice(dot + 1));
    }
  },
};

/** Builds the application packages: tables of migration 0017, the service and the activation cache. */
export function createPackages(options: PackagesOptions): Packages {
  const registry = new SqlPackageRegistry(options.database.db);
  const storage = new PackageActivations({
    registry,
    pubsub: options.pubsub,
    packageName: storagePackageName,
    ...(options.activationTtlMs !== undefined ? { ttlMs: options.activationTtlMs } : {}),
  });
  const offered: OfferedPackages = new Map(
    [...packageCatalog].filter(([name]) => name !== storagePackageName || options.storage),
  );
  let stopListening: (() => void) | undefined;
  const packages: Packages = {
    registry,
    storage,
    offered,
    registerServices(api) {
      api.register(
        ApplicationPackageRegistry,
        packageRegistryService({
          registry,
          rights: options.rights,
          offered,
          changed: (applicationId) => storage.changed(applicationId),
        }),
      );
    },
    async deviceDeleted(applicationId, deviceId) {
      if ((await registry.deleteDevice(applicationId, deviceId)) > 0)
        storage.changed(applicationId);
    },
    start() {
      storage.start();
      stopListening ??= options.events.listen((event) => {
        const deletion = deletions[event.name];
        if (!deletion) return;
        deletion(packages, event).catch((error: unknown) =>
          options.logger.warn({ err: error, event: event.name }, "associations not deleted"),
        );
      });
    },
    stop() {
      stopListening?.();
      stopListening = undefined;
      storage.stop();
    },
  };
  return packages;
}

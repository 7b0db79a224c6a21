import type { Component, ComponentContext } from "../components/index.ts";
import { As, AsEndDeviceRegistry } from "../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { rewrapInBackground } from "../key-vault/rewrap-in-background.ts";
import type { ApplicationServerConfig } from "./config.ts";
import { createPackages } from "./packages/packages.ts";
import {
  type ApplicationServerRegistries,
  createApplicationServerRegistries,
} from "./registry/index.ts";
import { asEndDeviceRegistryService } from "./services/device-registry.ts";
import { asLinkService } from "./services/links.ts";
import { createTraffic } from "./traffic-wiring.ts";

/**
 * A part of the Application Server wired in after its registries (uplink handling, downlink
 * queue, MQTT, webhooks, ...): built from the component's shared parts, started after them
 * in the order given and stopped in reverse.
 */
export interface ApplicationServerPart {
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** What a part is built from: the component's context and its registries. */
export interface ApplicationServerPartContext {
  context: ComponentContext<ApplicationServerConfig>;
  registries: ApplicationServerRegistries;
}

/** Builds a part; it registers its own services and routes on `context` while being built. */
export type ApplicationServerPartFactory = (
  parts: ApplicationServerPartContext,
) => ApplicationServerPart;

/** The Application Server component, with its registries. */
export interface ApplicationServer extends Component {
  registries: ApplicationServerRegistries;
}

/**
 * The Application Server (`as`): its device and link registries (AppSKeys wrapped at rest
 * with `as.device_kek_label`), the public `AsEndDeviceRegistry` and `As` services, the traffic
 * path (`NsAs` from the Network Server, payload formatters, the downlink queue and `AppAs`,
 * and the integrations every message goes to: MQTT and webhooks), the parts given in `parts`,
 * and — once started — a background re-wrap of AppSKeys still under an older KEK.
 */
export function createApplicationServer(
  context: ComponentContext<ApplicationServerConfig>,
  parts: readonly ApplicationServerPartFactory[] = [],
): ApplicationServer {
  const config = context.section.as;
  const { logger } = context;
  const registries = createApplicationServerRegistries({
    database: context.database,
    keyVault: context.keyVault,
    deviceKekLabel: config.device_kek_label,
  });
  const maxParameterLength = config.formatters.max_parameter_length;
  const packages = createPackages({
    database: context.database,
    pubsub: context.cluster.pubsub,
    rights: context.rights,
    events: context.events,
    logger: logger.child({ namespace: "as/packages" }),
    storage: config.storage.enabled,
  });
  packages.registerServices(context.api);
  context.api.register(
    AsEndDeviceRegistry,
    asEndDeviceRegistryService({
      devices: registries.devices,
      rights: context.rights,
      events: context.events,
      maxParameterLength,
      deleted: (key) => packages.deviceDeleted(key.applicationId, key.deviceId),
    }),
  );
  context.api.register(
    As,
    asLinkService({ links: registries.links, rights: context.rights, maxParameterLength }),
  );
  const traffic = createTraffic(context, registries, packages);
  // The packages listen before traffic flows: the storage integration asks them per message.
  const packageListener: ApplicationServerPart = {
    async start() {
      packages.start();
    },
    async stop() {
      packages.stop();
    },
  };
  const built = [
    packageListener,
    traffic,
    ...parts.map((factory) => factory({ context, registries })),
  ];

  let ready = false;
  let started: ApplicationServerPart[] = [];
  let rewrapping: Promise<void> | undefined;
  const stopping = new AbortController();
  const stopParts = async () => {
    for (const part of started.reverse()) await part.stop?.();
    started = [];
  };
  return {
    registries,
    async start() {
      try {
        for (const part of built) {
          await part.start?.();
          started.push(part);
        }
      } catch (error) {
        await stopParts();
        throw error;
      }
      ready = true;
      // After a KEK rotation the stored AppSKeys move to the new KEK while the server runs.
      rewrapping = rewrapInBackground({
        rewrap: (options) => registries.devices.rewrap(options),
        kekLabel: registries.atRestLabel,
        logger,
        signal: stopping.signal,
      });
    },
    isReady: () => ready,
    async stop() {
      ready = false;
      // The database closes after the components: the re-wrap ends after its current record.
      stopping.abort();
      await rewrapping;
      await stopParts();
    },
  };
}

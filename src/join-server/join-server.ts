import type { Component, ComponentContext } from "../components/index.ts";
import {
  AsJs,
  Js,
  JsEndDeviceBatchRegistry,
  JsEndDeviceRegistry,
  NsJs,
} from "../gen/ttn/lorawan/v3/joinserver_pb.js";
import { createInteropEndpoint } from "../interop/listeners.ts";
import { rewrapInBackground } from "../key-vault/rewrap-in-background.ts";
import type { JoinServerConfig } from "./config.ts";
import { joinServerInterop } from "./interop.ts";
import { createJoinHandler } from "./join/handle-join.ts";
import { parseJoinEuiPrefixes } from "./join-eui-prefixes.ts";
import type { JoinHandler } from "./join-handler.ts";
import { createJoinServerRegistries, type JoinServerRegistries } from "./registry/index.ts";
import { asJsService } from "./services/as-js.ts";
import { jsEndDeviceBatchRegistryService } from "./services/batch-registry.ts";
import { jsEndDeviceRegistryService } from "./services/device-registry.ts";
import { jsService } from "./services/js.ts";
import { nsJsService } from "./services/ns-js.ts";

/** The Join Server component, with its registries and its join handler. */
export interface JoinServer extends Component {
  registries: JoinServerRegistries;
  handler: JoinHandler;
}

/**
 * The Join Server (`js`): its device and session key registries (keys wrapped at rest with
 * `js.device_kek_label`), the public `JsEndDeviceRegistry`, `JsEndDeviceBatchRegistry` and
 * `Js` services, the join handler behind the cluster's `NsJs` and `AsJs` (cluster keys) and
 * behind LoRaWAN Backend Interfaces (`interop.listen`, `interop.listen_tls`), and — once
 * started — a background re-wrap of keys still under an older KEK.
 */
export function createJoinServer(context: ComponentContext<JoinServerConfig>): JoinServer {
  const config = context.section.js;
  const { logger } = context;
  const registries = createJoinServerRegistries({
    database: context.database,
    keyVault: context.keyVault,
    config,
  });
  const joinEuiPrefixes = parseJoinEuiPrefixes(config.join_eui_prefixes);
  const services = {
    ...registries,
    rights: context.rights,
    events: context.events,
    joinEuiPrefixes,
  };
  context.api.register(JsEndDeviceRegistry, jsEndDeviceRegistryService(services));
  context.api.register(JsEndDeviceBatchRegistry, jsEndDeviceBatchRegistryService(services));
  context.api.register(
    Js,
    jsService({
      joinEuiPrefixes,
      defaultJoinEui: new Uint8Array(Buffer.from(config.default_join_eui, "hex")),
    }),
  );

  const handler = createJoinHandler({
    devices: registries.devices,
    sessionKeys: registries.sessionKeys,
    keyVault: context.keyVault,
    config: context.section,
    events: context.events,
    logger,
  });
  context.api.register(NsJs, nsJsService(handler), { internal: true });
  context.api.register(AsJs, asJsService(handler), { internal: true });
  const interop = createInteropEndpoint(context);
  interop.server.register(joinServerInterop(handler));

  let ready = false;
  let rewrapping: Promise<void> | undefined;
  const stopping = new AbortController();
  return {
    registries,
    handler,
    async start() {
      await interop.open();
      ready = true;
      // After a KEK rotation the stored keys move to the new KEK while the server runs.
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
      // The database closes after the components: the re-wrap ends after its current record
      // (the rest is re-wrapped at the next start).
      stopping.abort();
      await rewrapping;
    },
  };
}

import type { Component, ComponentContext } from "../components/index.ts";
import {
  Js,
  JsEndDeviceBatchRegistry,
  JsEndDeviceRegistry,
} from "../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { JoinServerConfig } from "./config.ts";
import { createJoinServerRegistries, type JoinServerRegistries } from "./registry/index.ts";
import { jsEndDeviceBatchRegistryService } from "./services/batch-registry.ts";
import { jsEndDeviceRegistryService } from "./services/device-registry.ts";
import { parseJoinEuiPrefixes } from "./services/join-eui-prefixes.ts";
import { jsService } from "./services/js.ts";

/** The Join Server component, with what the join handling and Backend Interfaces build on. */
export interface JoinServer extends Component {
  registries: JoinServerRegistries;
}

/**
 * The Join Server (`js`): its device and session key registries (keys wrapped at rest with
 * `js.device_kek_label`), the public `JsEndDeviceRegistry`, `JsEndDeviceBatchRegistry` and
 * `Js` services, and — once started — a background re-wrap of keys still under an older KEK.
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

  let ready = false;
  let rewrapping: Promise<void> | undefined;
  const stopping = new AbortController();
  return {
    registries,
    async start() {
      ready = true;
      // After a KEK rotation the stored keys move to the new KEK while the server runs: keys
      // under the old one stay readable meanwhile, so nothing waits for this.
      rewrapping = registries.devices.rewrap({ signal: stopping.signal }).then(
        (changed) => {
          if (changed > 0)
            logger.info({ changed, kek_label: registries.atRestLabel }, "re-wrapped stored keys");
        },
        (error: unknown) =>
          logger.error(
            { err: error, kek_label: registries.atRestLabel },
            "re-wrapping stored keys failed",
          ),
      );
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

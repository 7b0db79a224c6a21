import { clusterConfig } from "../cluster/config.ts";
import { type ConfigModel, composeConfig, sharedConfig } from "../config/index.ts";
import { eventsConfig } from "../events/config.ts";
import { frequencyPlansConfig } from "../frequency-plans/index.ts";
import { interopConfig } from "../interop/config.ts";
import { keyVaultConfig } from "../key-vault/config.ts";
import { runtimeConfig } from "../runtime/config.ts";
import { componentCatalog } from "./catalog.ts";

/**
 * lorastack's configuration: the shared sections, the cluster, the frequency plan folder, the
 * key vault, the process's connection limits and metrics listener, events, Backend Interfaces
 * (`interop`), then each
 * component's section in catalog order. `lorastack config --keys` lists `programConfig.keys`.
 */
export const programConfig: ConfigModel = composeConfig([
  { owner: "shared", section: sharedConfig },
  { owner: "cluster", section: clusterConfig },
  { owner: "frequency plans", section: frequencyPlansConfig },
  { owner: "key vault", section: keyVaultConfig },
  { owner: "runtime", section: runtimeConfig },
  { owner: "events", section: eventsConfig },
  { owner: "interop", section: interopConfig },
  ...componentCatalog.flatMap((definition) =>
    definition.config ? [{ owner: definition.name, section: definition.config }] : [],
  ),
]);

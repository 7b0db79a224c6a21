export { type ConfigPart, composeConfig } from "./compose.ts";
export { parseDuration } from "./duration.ts";
export { errConfigFile, errInvalidConfiguration } from "./errors.ts";
export { type ConfigKey, collectConfigKeys, envPrefix } from "./keys.ts";
export { formatListenAddress, type ListenAddress, parseListenAddress } from "./listen-address.ts";
export {
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from "./load.ts";
export type { ConfigModel } from "./model.ts";
export { redactConfig, redactUri } from "./redact.ts";
export {
  boolean,
  type Config,
  duration,
  list,
  listen,
  listenerPair,
  number,
  secretKeys,
  sharedConfig,
  sharedConfigSchema,
  uri,
} from "./schema.ts";
export {
  type ConfigSection,
  type Redactor,
  readSection,
  type SectionValues,
} from "./section.ts";

export { parseDuration } from "./duration.ts";
export { errConfigFile, errInvalidConfiguration } from "./errors.ts";
export { type ConfigKey, configKeys, envPrefix } from "./keys.ts";
export { formatListenAddress, type ListenAddress, parseListenAddress } from "./listen-address.ts";
export {
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from "./load.ts";
export { redactConfig } from "./redact.ts";
export { type Config, configSchema, secretKeys } from "./schema.ts";

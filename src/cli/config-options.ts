import { type Command, Option } from "commander";
import { type LoadedConfig, loadConfig } from "../config/index.ts";
import { programConfig } from "../program/config.ts";

/**
 * Adds `--config FILE` and one flag per configuration key (`--http.listen`, `--data-dir`, ...)
 * to a command that reads the configuration.
 */
export function addConfigOptions(command: Command): Command {
  command.addOption(
    new Option(
      "-c, --config <file>",
      "configuration file (default: ./lorastack.yml when it exists)",
    ),
  );
  for (const key of programConfig.keys) {
    command.addOption(
      new Option(`${key.flag} <value>`, `${key.description} [${key.env}]`).hideHelp(),
    );
  }
  return command;
}

/** Loads the configuration from the defaults, the file, the environment and the command's flags. */
export function loadCommandConfig(command: Command, env: NodeJS.ProcessEnv): LoadedConfig {
  const options = command.opts<Record<string, string | undefined>>();
  const flags: Record<string, string> = {};
  for (const key of programConfig.keys) {
    const attribute = new Option(`${key.flag} <value>`).attributeName();
    const value = options[attribute];
    if (value !== undefined) flags[key.path] = value;
  }
  return loadConfig(programConfig, { configFile: options.config, env, flags });
}

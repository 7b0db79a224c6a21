import type { Command } from "commander";
import { stringify } from "yaml";
import { redactConfig } from "../../config/index.ts";
import { programConfig } from "../../program/config.ts";
import { loadCommandConfig } from "../config-options.ts";
import type { CommandIO } from "../io.ts";

/** `lorastack config [--keys]`. */
export function printConfig(options: { keys?: boolean }, command: Command, io: CommandIO): void {
  if (options.keys) {
    for (const key of programConfig.keys) {
      io.stdout(
        `${key.path}\n  env: ${key.env}\n  flag: ${key.flag}\n  default: ${JSON.stringify(key.defaultValue)}\n  ${key.description}\n`,
      );
    }
    return;
  }
  const { config, warnings } = loadCommandConfig(command, io.env);
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout(stringify(redactConfig(config, programConfig.secrets)));
}

import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { configOptionsWhenInvoked } from "../lazy.ts";

/** `lorastack config`: prints the effective configuration (secrets redacted), or its keys. */
export function registerConfigCommand(program: Command, io: CommandIO): void {
  configOptionsWhenInvoked(
    program
      .command("config")
      .description("print the effective configuration as YAML, with secrets redacted")
      .option("--keys", "list every key with its environment variable, flag and default instead")
      .addHelpText(
        "after",
        "\nExamples:\n  $ lorastack config\n  $ lorastack config --keys\n  $ lorastack config --config lorastack.yml --http.listen :8080\n",
      ),
  ).action(async (options: { keys?: boolean }, command: Command) => {
    const { printConfig } = await import("../actions/config.ts");
    printConfig(options, command, io);
  });
}

import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { configOptionsWhenInvoked, prepareWhenInvoked } from "../lazy.ts";
import { withExamples } from "./client-options.ts";

const description = "start lorastack: every built component by default, or the ones named";

/** `lorastack start [component...]`: runs the stack until SIGINT or SIGTERM. */
export function registerStartCommand(program: Command, io: CommandIO): void {
  const start = program
    .command("start")
    .description(description)
    .argument("[component...]", "components to start");
  withExamples(start, "lorastack start", "lorastack start gs ns --config lorastack.yml");
  prepareWhenInvoked(start, async (invoked) => {
    const { componentCatalog } = await import("../../program/catalog.ts");
    invoked.description(
      `${description} (${componentCatalog.map((entry) => entry.name).join(", ")})`,
    );
  });
  configOptionsWhenInvoked(start).action(
    async (requested: string[], _options: unknown, command: Command) => {
      const { startStack } = await import("../actions/start.ts");
      await startStack(requested, command, io);
    },
  );
}

import type { Command } from "commander";
import { lorastackVersion } from "../../runtime/version.ts";
import type { CommandIO } from "../io.ts";

/** `lorastack version`. */
export function registerVersionCommand(program: Command, io: CommandIO): void {
  program
    .command("version")
    .description("print the version")
    .addHelpText("after", "\nExample:\n  $ lorastack version\n")
    .action(() => {
      io.stdout(`lorastack ${lorastackVersion} (node ${process.version})\n`);
    });
}

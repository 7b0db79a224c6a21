import type { Command } from "commander";

/** `--server` and `--json`, which every command that calls the API has. */
export function withClientOptions(command: Command): Command {
  return command
    .option(
      "--server <url>",
      "URL of the stack's HTTP API (env LORASTACK_SERVER; default http://localhost:1885)",
    )
    .option("--json", "print JSON (the default when stdout is not a terminal)");
}

/** Adds an `Example:` section to the command's help. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText(
    "after",
    `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((line) => `  $ ${line}\n`).join("")}`,
  );
}

/** Collects a repeatable flag into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Help text that ends every client command's description. */
export const exitCodesHelp =
  "\nExit codes: 0 success; 1 the call failed (the API's error is printed) or no credentials " +
  "are stored; 2 usage error (bad flag, missing argument, invalid ID), before any call.\n";

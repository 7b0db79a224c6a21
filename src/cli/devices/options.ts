import { type Command, Option } from "commander";
import { collect } from "../commands/client-options.ts";
import { deviceFlags } from "./device-flags.ts";
import { selectableFields, selectorFlag } from "./selection.ts";

/** The setter flags of the device flag table (booleans get `--no-<flag>` too). */
export function addSetterOptions(command: Command, verb: "create" | "update"): void {
  for (const entry of deviceFlags) {
    if (verb === "update" && entry.createOnly) continue;
    if (entry.type === "boolean") {
      command.addOption(new Option(`--${entry.flag}`, entry.description));
      command.addOption(new Option(`--no-${entry.flag}`, `the opposite of --${entry.flag}`));
    } else if (entry.type === "attributes") {
      command.addOption(
        new Option(`--${entry.flag} <value>`, entry.description).argParser(collect),
      );
    } else {
      command.addOption(new Option(`--${entry.flag} <value>`, entry.description));
    }
  }
}

/** One `--<field>` per field that get (or list) can select. */
export function addSelectorOptions(command: Command, scope: "get" | "list"): void {
  for (const field of selectableFields(scope))
    command.addOption(new Option(`--${selectorFlag(field)}`, `select the ${field} field`));
}

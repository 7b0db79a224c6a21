import type { Command } from "commander";
import { bashCompletion } from "../completion/bash.ts";
import { completionTree } from "../completion/tree.ts";
import { zshCompletion } from "../completion/zsh.ts";
import type { CommandIO } from "../io.ts";
import { prepareAll } from "../lazy.ts";

const scripts = { bash: bashCompletion, zsh: zshCompletion };

/** Prints the completion script of the program `command` belongs to, with every flag. */
export async function printCompletion(
  shell: keyof typeof scripts,
  command: Command,
  io: CommandIO,
): Promise<void> {
  let program = command;
  while (program.parent) program = program.parent;
  await prepareAll(program);
  io.stdout(scripts[shell](completionTree(program)));
}

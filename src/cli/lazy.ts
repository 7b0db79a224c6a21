import type { Command } from "commander";

/**
 * Commands load their code only when they run: `lorastack version` must not load the whole
 * stack (the component catalog alone pulls in Fastify, Kysely, zod, ...). A command's
 * registration is light (name, description, arguments); what needs heavy modules, such as the
 * one flag per configuration key, is added by a preparation that runs only when the command is
 * the one invoked, and its action imports its implementation.
 */
type Preparation = (command: Command) => void | Promise<void>;

const preparations = new WeakMap<Command, Preparation[]>();

/** Runs `prepare` on `command` before it parses its arguments, if it is the one invoked. */
export function prepareWhenInvoked(command: Command, prepare: Preparation): Command {
  preparations.set(command, [...(preparations.get(command) ?? []), prepare]);
  return command;
}

/** Adds `--config` and a flag per configuration key to the command, when it is invoked. */
export function configOptionsWhenInvoked(command: Command): Command {
  return prepareWhenInvoked(command, async (invoked) => {
    const { addConfigOptions } = await import("./config-options.ts");
    addConfigOptions(invoked);
  });
}

/**
 * Prepares the commands that `argv` (as in `process.argv`) invokes, from the program down:
 * `start`, `db migrate`, and for `help start` or `db help migrate` the command whose help is
 * asked. Words that are
 * options are skipped; the program and the command groups take no option values, so the first
 * other word names the command, and the words after a command without subcommands are its own.
 */
export async function prepareInvoked(program: Command, argv: readonly string[]): Promise<void> {
  let current = program;
  for (const word of argv.slice(2)) {
    if (word.startsWith("-") || word === "help") continue;
    const command = current.commands.find(
      (candidate) => candidate.name() === word || candidate.aliases().includes(word),
    );
    if (command === undefined) return;
    for (const prepare of preparations.get(command) ?? []) await prepare(command);
    if (command.commands.length === 0) return;
    current = command;
  }
}

/**
 * Prepares every command of the tree under `command`, as if each were invoked: for what needs
 * the whole tree with all its flags (`lorastack completion`), at the cost of loading them all.
 */
export async function prepareAll(command: Command): Promise<void> {
  for (const prepare of preparations.get(command) ?? []) await prepare(command);
  for (const child of command.commands) await prepareAll(child);
}

import type { Command } from "commander";

/** A word to complete and what it means (shown by zsh). */
export interface CompletionWord {
  name: string;
  description: string;
}

/** One command of the program, as completion sees it. */
export interface CompletionNode {
  /** The command's names from the program down, joined by spaces (`applications create`). */
  path: string;
  /** Its name and aliases. */
  names: string[];
  /** Its subcommands, or the choices of its first argument. */
  words: CompletionWord[];
  /** Its flags, long and short, with `--help`. */
  flags: CompletionWord[];
  children: CompletionNode[];
}

/** The completion tree of `command` and its subcommands, read from commander's definitions. */
export function completionTree(command: Command, parentPath = ""): CompletionNode {
  const path = parentPath;
  const visible = command.commands.filter((child) => !isHidden(child));
  const children = visible.map((child) =>
    completionTree(child, path === "" ? child.name() : `${path} ${child.name()}`),
  );
  const choices = command.registeredArguments[0]?.argChoices ?? [];
  const words =
    visible.length > 0
      ? visible.map((child) => ({ name: child.name(), description: summary(child.description()) }))
      : choices.map((choice) => ({ name: choice, description: "" }));
  const flags: CompletionWord[] = [];
  // Hidden flags too: the configuration keys' flags are left out of the help for its length,
  // and completion is where they are found (without their descriptions, for the same reason).
  for (const option of command.options) {
    const description = option.hidden ? "" : summary(option.description);
    for (const name of [option.long, option.short]) if (name) flags.push({ name, description });
  }
  flags.push({ name: "--help", description: "show the command's help" });
  return {
    path,
    names: [command.name(), ...command.aliases()],
    words,
    flags,
    children,
  };
}

/** Every node of the tree, the program first. */
export function allNodes(node: CompletionNode): CompletionNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

/** The first sentence-ish of a description, on one line, short enough for a menu. */
function summary(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

function isHidden(command: Command): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

import type { Command } from "commander";

/**
 * The command group `name` of `parent`, made if no registration made it yet: several modules
 * add commands to one group (`end-devices` has its registry commands and its traffic
 * commands; `applications` its entity commands and its integrations), and commander refuses
 * a second command of the same name. Aliases the group lacks are added.
 */
export function commandGroup(
  parent: Command,
  name: string,
  aliases: readonly string[],
  description: string,
): Command {
  const existing = parent.commands.find((command) => command.name() === name);
  const group = existing ?? parent.command(name).description(description);
  for (const alias of aliases) if (!group.aliases().includes(alias)) group.alias(alias);
  return group;
}

import { quote } from "./shell-quote.ts";
import type { CompletionNode } from "./tree.ts";

/**
 * The `case` lines, in bash and zsh alike, that lead from a command to its subcommand: the
 * path so far and a name or alias typed (`'applications|apps'`) set `variable` to the
 * subcommand's path.
 */
export function commandCases(nodes: readonly CompletionNode[], variable: string): string[] {
  return nodes.flatMap((node) =>
    node.children.map(
      (child) =>
        `    ${child.names.map((alias) => quote(`${node.path}|${alias}`)).join("|")}) ${variable}=${quote(child.path)} ;;`,
    ),
  );
}

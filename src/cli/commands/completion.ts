import { Argument, type Command } from "commander";
import type { CommandIO } from "../io.ts";
import { withExamples } from "./client-options.ts";

/** `lorastack completion bash|zsh`: prints a shell completion script of the whole program. */
export function registerCompletionCommand(program: Command, io: CommandIO): void {
  withExamples(
    program
      .command("completion")
      .description(
        "print a completion script for bash or zsh: commands, subcommands and flags " +
          "(completing never runs lorastack; make the script again after an upgrade)",
      )
      .addArgument(new Argument("<shell>", "bash or zsh").choices(["bash", "zsh"])),
    "source <(lorastack completion bash)   # in ~/.bashrc",
    "source <(lorastack completion zsh)    # in ~/.zshrc, after compinit",
    "lorastack completion bash > ~/.local/share/bash-completion/completions/lorastack",
  ).action(async (shell: "bash" | "zsh", _options: unknown, command: Command) => {
    const { printCompletion } = await import("../actions/completion.ts");
    await printCompletion(shell, command, io);
  });
}

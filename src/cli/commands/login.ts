import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { exitCodesHelp, withExamples } from "./client-options.ts";

const serverOption = [
  "--server <url>",
  "URL of the stack's HTTP API (env LORASTACK_SERVER; default http://localhost:1885)",
] as const;

/** `lorastack login` and `lorastack logout`: credentials per server in the config folder. */
export function registerLoginCommands(program: Command, io: CommandIO): void {
  withExamples(
    program
      .command("login")
      .description(
        "check an API key with the server and store it for that server " +
          "($XDG_CONFIG_HOME/lorastack/credentials.json, mode 0600; LORASTACK_API_KEY overrides it)",
      )
      .option(...serverOption)
      .option("--api-key <key>", "the API key; `-` reads it from stdin (keeps it out of history)")
      .addHelpText("after", exitCodesHelp),
    "lorastack login --server https://lora.example.com --api-key - < key.txt",
  ).action(async (flags: { server?: string; apiKey?: string }) => {
    const { login } = await import("../actions/login.ts");
    await login(flags, io);
  });

  withExamples(
    program
      .command("logout")
      .description("forget the credentials stored for the server")
      .option(...serverOption),
    "lorastack logout --server https://lora.example.com",
  ).action(async (flags: { server?: string }) => {
    const { logout } = await import("../actions/login.ts");
    await logout(flags, io);
  });
}

import type { Command } from "commander";
import { errChoice } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { exitCodesHelp, withExamples } from "./client-options.ts";

/** A `[bool]` flag's value: `true`/`false` (ttn-lw-cli's `--callback=false`); none is true. */
function parseBoolean(flag: string): (value: string) => boolean {
  const values: Record<string, boolean> = { true: true, false: false, "1": true, "0": false };
  return (value) => {
    const parsed = values[value.toLowerCase()];
    if (parsed === undefined) throw errChoice.create({ flag, value, choices: "true or false" });
    return parsed;
  };
}

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
        "log in with OAuth in a browser (the Identity Server's `cli` client), or check an API key " +
          "with the server, and store the credentials for that server " +
          "($XDG_CONFIG_HOME/lorastack/credentials.json, mode 0600; LORASTACK_API_KEY overrides them)",
      )
      .option(...serverOption)
      .option("--api-key <key>", "the API key; `-` reads it from stdin (keeps it out of history)")
      .option(
        "--callback [bool]",
        "OAuth: wait for the browser on a local callback (default true); --callback=false shows " +
          "the URL and reads the code the server's page shows from stdin, for headless machines",
        parseBoolean("callback"),
      )
      .option("--no-callback", "the same as --callback=false")
      .option("--no-browser", "OAuth: print the URL without starting a browser")
      .option(
        "--oauth-server-address <url>",
        "OAuth: the OAuth server's URL (default <server>/oauth)",
      )
      .addHelpText("after", exitCodesHelp),
    "lorastack login --server https://lora.example.com",
    "lorastack login --server https://lora.example.com --callback=false",
    "lorastack login --server https://lora.example.com --api-key - < key.txt",
  ).action(
    async (flags: {
      server?: string;
      apiKey?: string;
      callback?: boolean;
      browser?: boolean;
      oauthServerAddress?: string;
    }) => {
      const { login } = await import("../actions/login.ts");
      await login(flags, io);
    },
  );

  withExamples(
    program
      .command("logout")
      .description(
        "forget the credentials stored for the server; an OAuth login's tokens are revoked there",
      )
      .option(...serverOption),
    "lorastack logout --server https://lora.example.com",
  ).action(async (flags: { server?: string }) => {
    const { logout } = await import("../actions/login.ts");
    await logout(flags, io);
  });
}

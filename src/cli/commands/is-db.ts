import { type Command, Option } from "commander";
import type { ApiKeyOptions, OAuthClientOptions } from "../actions/is-db.ts";
import type { CommandIO } from "../io.ts";
import { configOptionsWhenInvoked } from "../lazy.ts";

/**
 * `lorastack is-db ...`: bootstrap the Identity Server's database (operators and tests):
 * `init`, `create-admin-user`, `create-api-key`, `create-oauth-client`, `rotate-secrets`.
 */
export function registerIsDbCommand(program: Command, io: CommandIO): void {
  const isDb = program.command("is-db").description("Identity Server database administration");
  const actions = () => import("../actions/is-db.ts");

  configOptionsWhenInvoked(
    isDb
      .command("init")
      .description(
        "create or migrate the Identity Server's database and register the Console's and the CLI's OAuth clients",
      )
      .addHelpText("after", "\nExample:\n  $ lorastack is-db init --config lorastack.yml\n"),
  ).action(async (_options: unknown, command: Command) => {
    await (await actions()).init(command, io);
  });

  configOptionsWhenInvoked(
    isDb
      .command("create-admin-user")
      .description("create an admin user, or make an existing user admin with a new password")
      .requiredOption("--id <user-id>", "user ID")
      .requiredOption("--email <address>", "primary email address")
      .requiredOption("--password <password>", "password (see the password policy)")
      .addHelpText(
        "after",
        "\nExample:\n  $ lorastack is-db create-admin-user --id admin --email admin@example.com --password '...'\n",
      ),
  ).action(async (options: { id: string; email: string; password: string }, command: Command) => {
    await (await actions()).createAdminUser(options, command, io);
  });

  configOptionsWhenInvoked(
    isDb
      .command("create-api-key")
      .description("create an API key of a user and print it (the last line of output is the key)")
      .requiredOption("--user-id <user-id>", "the user the key belongs to")
      .option("--name <name>", "name of the key", "")
      .addOption(new Option("--rights <right...>", "rights of the key").default(["RIGHT_ALL"]))
      .option("--expires-at <time>", "expiry time (RFC 3339)")
      .addHelpText(
        "after",
        "\nExample:\n  $ lorastack is-db create-api-key --user-id admin --name ops --rights RIGHT_ALL\n",
      ),
  ).action(async (options: ApiKeyOptions, command: Command) => {
    await (await actions()).createApiKey(options, command, io);
  });

  configOptionsWhenInvoked(
    isDb
      .command("rotate-secrets")
      .description(
        "re-encrypt stored secrets under the key vault's default key (after adding a new key)",
      )
      .addHelpText(
        "after",
        "\nExample:\n  $ lorastack is-db rotate-secrets --config lorastack.yml\n",
      ),
  ).action(async (_options: unknown, command: Command) => {
    await (await actions()).rotateSecrets(command, io);
  });

  configOptionsWhenInvoked(
    isDb
      .command("create-oauth-client")
      .description("register an OAuth client, such as the Console")
      .requiredOption("--id <client-id>", "client ID")
      .option("--name <name>", "name", "")
      .requiredOption("--secret <secret>", "client secret")
      .option("--redirect-uri <uri...>", "allowed redirect URIs", [])
      .option("--logout-redirect-uri <uri...>", "allowed logout redirect URIs", [])
      .option("--owner <user-id>", "the user who administers the client")
      .addHelpText(
        "after",
        "\nExample:\n  $ lorastack is-db create-oauth-client --id my-app --secret '...' --redirect-uri https://app.example.com/callback\n",
      ),
  ).action(async (options: OAuthClientOptions, command: Command) => {
    await (await actions()).createOAuthClient(options, command, io);
  });
}

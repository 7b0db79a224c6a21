import { type Command, Option } from "commander";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import { parseRights } from "../../auth/rights/index.ts";
import { readSection } from "../../config/index.ts";
import { identityServerConfig, oauthIssuer } from "../../identity-server/config.ts";
import { validateEmail, validateId } from "../../identity-server/ids/index.ts";
import { hashPassword, validatePassword } from "../../identity-server/passwords/index.ts";
import { identityStores } from "../../identity-server/registry.ts";
import type { IdentityStores } from "../../identity-server/store/index.ts";
import { databaseLocation, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { addConfigOptions, loadCommandConfig } from "../config-options.ts";
import type { CommandIO } from "../io.ts";

/** The OAuth client of the Console, registered by `is-db init`. */
const consoleClientId = "console";

/** Opens the configured database, migrated, and runs `work` with the Identity Server's stores. */
async function withStores(
  command: Command,
  io: CommandIO,
  work: (stores: IdentityStores) => Promise<void>,
): Promise<void> {
  const { config } = loadCommandConfig(command, io.env);
  const database = await openDatabase(databaseLocation(config.database.uri, config.data_dir));
  try {
    await migrateToLatest(database.db, database.engine);
    await work(identityStores({ database }));
  } finally {
    await database.close();
  }
}

/**
 * `lorastack is-db ...`: bootstrap the Identity Server's database (operators and tests):
 * `init`, `create-admin-user`, `create-api-key`, `create-oauth-client`.
 */
export function registerIsDbCommand(program: Command, io: CommandIO): void {
  const isDb = program.command("is-db").description("Identity Server database administration");

  addConfigOptions(
    isDb
      .command("init")
      .description(
        "create or migrate the Identity Server's database and register the Console's OAuth client",
      ),
  ).action(async (_options: unknown, command: Command) => {
    const { config } = loadCommandConfig(command, io.env);
    await withStores(command, io, async (stores) => {
      const issuer = oauthIssuer(readSection(identityServerConfig, config), config.http);
      const origin = new URL(issuer).origin;
      const existing = await stores.clients.get(consoleClientId).catch(() => undefined);
      if (existing) {
        io.stdout(`identity server database ready; OAuth client ${consoleClientId} exists\n`);
        return;
      }
      // The Console is a public client: it proves itself with PKCE, so it has no secret.
      await stores.clients.create(consoleClientId, {
        name: "Console",
        redirectUris: [`${origin}/console/oauth/callback`],
        logoutRedirectUris: [`${origin}/console`],
        state: "STATE_APPROVED",
        skipAuthorization: true,
        endorsed: true,
        grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
        rights: ["RIGHT_ALL"],
      });
      io.stdout(
        `identity server database ready; registered OAuth client ${consoleClientId} for ${origin}/console\n`,
      );
    });
  });

  addConfigOptions(
    isDb
      .command("create-admin-user")
      .description("create an admin user, or make an existing user admin with a new password")
      .requiredOption("--id <user-id>", "user ID")
      .requiredOption("--email <address>", "primary email address")
      .requiredOption("--password <password>", "password (see the password policy)"),
  ).action(async (options: { id: string; email: string; password: string }, command: Command) => {
    validateId("user", options.id);
    const email = options.email.trim().toLowerCase();
    validateEmail(email);
    validatePassword(options.password, { userId: options.id });
    const password = await hashPassword(options.password);
    await withStores(command, io, async (stores) => {
      const now = new Date();
      const fields = {
        primaryEmailAddress: email,
        primaryEmailAddressValidatedAt: now,
        password,
        passwordUpdatedAt: now,
        state: "STATE_APPROVED",
        admin: true,
      };
      const existing = await stores.users.get(options.id).catch(() => undefined);
      if (existing) {
        await stores.users.update(
          options.id,
          fields,
          Object.keys(fields) as (keyof typeof fields)[],
        );
        io.stdout(`updated admin user ${options.id}\n`);
      } else {
        await stores.users.create(options.id, fields);
        io.stdout(`created admin user ${options.id}\n`);
      }
    });
  });

  addConfigOptions(
    isDb
      .command("create-api-key")
      .description("create an API key of a user and print it (the last line of output is the key)")
      .requiredOption("--user-id <user-id>", "the user the key belongs to")
      .option("--name <name>", "name of the key", "")
      .addOption(new Option("--rights <right...>", "rights of the key").default(["RIGHT_ALL"]))
      .option("--expires-at <time>", "expiry time (RFC 3339)"),
  ).action(
    async (
      options: { userId: string; name: string; rights: string[]; expiresAt?: string },
      command: Command,
    ) => {
      const rights = parseRights(
        options.rights.flatMap((right) => right.split(",")).filter(Boolean),
      );
      const expiresAt = options.expiresAt ? new Date(options.expiresAt) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime()))
        throw new Error(`--expires-at ${options.expiresAt} is not a time`);
      await withStores(command, io, async (stores) => {
        const key = generateApiKey();
        await stores.apiKeys.create({
          keyId: key.id,
          entity: { kind: "user", id: options.userId },
          name: options.name || undefined,
          secretHash: hashApiKeySecret(key.secret),
          rights,
          expiresAt,
        });
        io.stdout(
          `created API key ${key.id} of user ${options.userId} with ${rights.join(", ")}\n${key.token}\n`,
        );
      });
    },
  );

  addConfigOptions(
    isDb
      .command("create-oauth-client")
      .description("register an OAuth client, such as the Console")
      .requiredOption("--id <client-id>", "client ID")
      .option("--name <name>", "name", "")
      .requiredOption("--secret <secret>", "client secret")
      .option("--redirect-uri <uri...>", "allowed redirect URIs", [])
      .option("--logout-redirect-uri <uri...>", "allowed logout redirect URIs", [])
      .option("--owner <user-id>", "the user who administers the client"),
  ).action(
    async (
      options: {
        id: string;
        name: string;
        secret: string;
        redirectUri: string[];
        logoutRedirectUri: string[];
        owner?: string;
      },
      command: Command,
    ) => {
      validateId("client", options.id);
      const clientSecretHash = await hashPassword(options.secret);
      await withStores(command, io, async (stores) => {
        await stores.transact(async (tx) => {
          await tx.clients.create(options.id, {
            name: options.name || undefined,
            secret: clientSecretHash,
            redirectUris: options.redirectUri,
            logoutRedirectUris: options.logoutRedirectUri,
            state: "STATE_APPROVED",
            skipAuthorization: true,
            endorsed: true,
            grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
            rights: ["RIGHT_ALL"],
          });
          if (options.owner) {
            await tx.memberships.set(
              { kind: "user", id: options.owner },
              { kind: "client", id: options.id },
              ["RIGHT_CLIENT_ALL"],
            );
          }
        });
        io.stdout(`created OAuth client ${options.id}\n`);
      });
    },
  );
}

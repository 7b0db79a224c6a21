import type { Command } from "commander";
import { pino } from "pino";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import { parseRights } from "../../auth/rights/index.ts";
import { readSection } from "../../config/index.ts";
import { identityServerConfig, oauthIssuer } from "../../identity-server/config.ts";
import { registerDefaultClients } from "../../identity-server/first-start.ts";
import { validateEmail, validateId } from "../../identity-server/ids/index.ts";
import { hashPassword, validatePassword } from "../../identity-server/passwords/index.ts";
import { identityStores } from "../../identity-server/registry.ts";
import { reencryptSecrets } from "../../identity-server/services/gateway-secrets.ts";
import { errNotFound, type IdentityStores } from "../../identity-server/store/index.ts";
import { keyVaultConfig, openKeyVault } from "../../key-vault/index.ts";
import { databaseLocation, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { loadCommandConfig } from "../config-options.ts";
import type { CommandIO } from "../io.ts";

/** What `is-db create-api-key` takes. */
export interface ApiKeyOptions {
  userId: string;
  name: string;
  rights: string[];
  expiresAt?: string;
}

/** What `is-db create-oauth-client` takes. */
export interface OAuthClientOptions {
  id: string;
  name: string;
  secret: string;
  redirectUri: string[];
  logoutRedirectUri: string[];
  owner?: string;
}

/**
 * `undefined` for a record that does not exist; any other failure (the database, a row that
 * cannot be read) stops the command instead of being taken for "not found".
 */
function undefinedWhenNotFound(error: unknown): undefined {
  if (errNotFound.matches(error)) return undefined;
  throw error;
}

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

/** `is-db init`: migrates the database and registers the Console's and the CLI's OAuth clients. */
export async function init(command: Command, io: CommandIO): Promise<void> {
  const { config } = loadCommandConfig(command, io.env);
  await withStores(command, io, async (stores) => {
    const issuer = oauthIssuer(readSection(identityServerConfig, config), config.http);
    const origin = new URL(issuer).origin;
    const done = await registerDefaultClients(stores, origin);
    io.stdout(`identity server database ready; ${done.join("; ")}\n`);
  });
}

/** `is-db create-admin-user`. */
export async function createAdminUser(
  options: { id: string; email: string; password: string },
  command: Command,
  io: CommandIO,
): Promise<void> {
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
    const existing = await stores.users.get(options.id).catch(undefinedWhenNotFound);
    if (existing) {
      await stores.users.update(options.id, fields, Object.keys(fields) as (keyof typeof fields)[]);
      io.stdout(`updated admin user ${options.id}\n`);
    } else {
      await stores.users.create(options.id, fields);
      io.stdout(`created admin user ${options.id}\n`);
    }
  });
}

/** `is-db create-api-key`: prints the key as the last line. */
export async function createApiKey(
  options: ApiKeyOptions,
  command: Command,
  io: CommandIO,
): Promise<void> {
  const rights = parseRights(options.rights.flatMap((right) => right.split(",")).filter(Boolean));
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
}

/** `is-db create-oauth-client`. */
export async function createOAuthClient(
  options: OAuthClientOptions,
  command: Command,
  io: CommandIO,
): Promise<void> {
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
}

/**
 * `is-db rotate-secrets`: re-encrypts the gateways' secrets under the key vault's default key,
 * so that older keys can be removed from `key_vault.keys`. Soft-deleted gateways are skipped
 * (and counted): restore them first, or keep their keys.
 */
export async function rotateSecrets(command: Command, io: CommandIO): Promise<void> {
  const { config } = loadCommandConfig(command, io.env);
  const vault = await openKeyVault({
    section: readSection(keyVaultConfig, config),
    dataDir: config.data_dir,
    logger: pino({ level: "warn" }, pino.destination(2)),
  });
  await withStores(command, io, async (stores) => {
    let rotated = 0;
    let skipped = 0;
    for (let page = 1; ; page++) {
      const { items } = await stores.gateways.list({ limit: 100, page, includeDeleted: true });
      for (const gateway of items) {
        if (!(await reencryptSecrets(vault, gateway))) continue;
        if (gateway.deletedAt) {
          skipped++;
          continue;
        }
        // Computed again from the row as it is inside the update's transaction.
        await stores.gateways.update(
          gateway.gatewayId,
          async (current) => (await reencryptSecrets(vault, current)) ?? {},
        );
        rotated++;
      }
      if (items.length < 100) break;
    }
    io.stdout(
      `re-encrypted the secrets of ${rotated} gateways under ${vault.defaultLabel}` +
        (skipped > 0
          ? `; ${skipped} deleted gateways skipped (restore them or keep their keys)`
          : "") +
        "\n",
    );
  });
}

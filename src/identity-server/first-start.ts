import { randomInt } from "node:crypto";
import { DefinedError } from "../errors/index.ts";
import type { Logger } from "../log/logger.ts";
import { hashPassword, validatePassword } from "./passwords/index.ts";
import { type ClientFields, errIdTaken, type IdentityStores } from "./store/index.ts";

/** The user that first start creates. */
export const firstAdminUserId = "admin";
export const firstAdminEmail = "admin@localhost";

/** One of the OAuth clients every stack has, with the phrase `is-db init` reports. */
export interface DefaultClient {
  id: string;
  fields: ClientFields;
  /** Where it is for, as said after "registered OAuth client <id>". */
  where: string;
}

/**
 * The OAuth clients of the Console (`<origin>/console`, a public client with PKCE) and of the
 * CLI as The Things Stack registers it (`is-db create-oauth-client --id cli --no-secret
 * --redirect-uri local-callback --redirect-uri code`): `local-callback` stands for the CLI's
 * own server on a loopback port, `code` for the page that shows the code to paste
 * (oauth/clients.ts). `origin` is the OAuth issuer's: the Console is served on the same
 * HTTP port as the OAuth server.
 */
export function defaultClients(origin: string): DefaultClient[] {
  const common = {
    state: "STATE_APPROVED",
    skipAuthorization: true,
    endorsed: true,
    grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
    rights: ["RIGHT_ALL"],
  };
  return [
    {
      id: "console",
      where: ` for ${origin}/console`,
      fields: {
        name: "Console",
        redirectUris: [`${origin}/console/oauth/callback`],
        logoutRedirectUris: [`${origin}/console`],
        ...common,
      },
    },
    {
      id: "cli",
      where: "",
      fields: {
        name: "Command-line interface",
        redirectUris: ["local-callback", "code"],
        ...common,
      },
    },
  ];
}

/**
 * Registers the default clients that are missing; a client that exists (or that another
 * instance registers at the same moment) is left as it is. Answers what was done, one phrase
 * per client.
 */
export async function registerDefaultClients(
  stores: IdentityStores,
  origin: string,
): Promise<string[]> {
  const done: string[] = [];
  for (const { id, fields, where } of defaultClients(origin)) {
    try {
      await stores.clients.create(id, fields);
      done.push(`registered OAuth client ${id}${where}`);
    } catch (error) {
      if (!errIdTaken.matches(error)) throw error;
      // The client exists: it must still be readable (a damaged record stops the command
      // rather than pass for a working client).
      await stores.clients.get(id);
      done.push(`OAuth client ${id} exists`);
    }
  }
  return done;
}

/** Letters and digits that cannot be mistaken for each other when read off a terminal. */
const lower = "abcdefghijkmnopqrstuvwxyz";
const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const digits = "23456789";
const alphabet = lower + upper + digits;

/**
 * A random password of 20 characters (about 115 bits) with lower- and upper-case letters and
 * digits, which passes the password policy.
 */
export function generatePassword(length = 20): string {
  for (;;) {
    let password = "";
    for (let i = 0; i < length; i++) password += alphabet[randomInt(alphabet.length)];
    if ([lower, upper, digits].every((set) => [...password].some((char) => set.includes(char)))) {
      validatePassword(password, { userId: firstAdminUserId });
      return password;
    }
  }
}

/** The lines printed once on the first start. */
export function firstStartBanner(consoleUrl: string, userId: string, password: string): string {
  return [
    `lorastack: first start: created the admin user "${userId}" and the Console's OAuth client.`,
    `  Console:  ${consoleUrl}`,
    `  user:     ${userId}`,
    `  password: ${password}   (shown only now; change it in the Console under User settings)`,
    "",
  ].join("\n");
}

export interface FirstStartOptions {
  /** `first_start.enabled`. */
  enabled: boolean;
  stores: IdentityStores;
  /** The OAuth issuer (`oauthIssuer`): the Console is on its origin. */
  issuer: string;
  logger: Logger;
  /** Where the banner goes: stderr, not the JSON log, so that the password stays out of log pipelines. */
  print?: (text: string) => void;
  /** For tests: the password to give the admin. */
  password?: () => string;
}

export type FirstStartResult =
  | { created: false; reason: "disabled" | "not empty" | "taken" }
  | { created: true; consoleUrl: string; userId: string };

/**
 * On a database without any user: registers the Console's and the CLI's OAuth clients and
 * creates the admin user `admin` with a random password, printed once. When several
 * instances start at once on one database, the one whose create of `admin` succeeds prints
 * the banner; the others find the ID taken and leave it to that one.
 */
export async function firstStart(options: FirstStartOptions): Promise<FirstStartResult> {
  const { stores, logger } = options;
  if (!options.enabled) return { created: false, reason: "disabled" };
  const existing = await stores.users.list({ limit: 1, includeDeleted: true });
  if (existing.total > 0 || existing.items.length > 0)
    return { created: false, reason: "not empty" };
  const origin = new URL(options.issuer).origin;
  // Clients first: a start that stops between the two steps creates the admin next time.
  const clients = await registerDefaultClients(stores, origin);
  const password = (options.password ?? generatePassword)();
  const now = new Date();
  try {
    await stores.users.create(firstAdminUserId, {
      name: "Administrator",
      primaryEmailAddress: firstAdminEmail,
      primaryEmailAddressValidatedAt: now,
      password: await hashPassword(password),
      passwordUpdatedAt: now,
      state: "STATE_APPROVED",
      admin: true,
    });
  } catch (error) {
    if (isAlreadyExists(error)) {
      logger.info(
        { user_id: firstAdminUserId },
        "first start: another instance created the admin user",
      );
      return { created: false, reason: "taken" };
    }
    throw error;
  }
  const consoleUrl = `${origin}/console`;
  logger.info(
    { user_id: firstAdminUserId, console: consoleUrl, clients },
    "first start: created the admin user and the OAuth clients; the password is printed on stderr",
  );
  (options.print ?? ((text) => process.stderr.write(text)))(
    firstStartBanner(consoleUrl, firstAdminUserId, password),
  );
  return { created: true, consoleUrl, userId: firstAdminUserId };
}

/** Any `already_exists` error (the user ID or the account ID taken by another instance). */
function isAlreadyExists(error: unknown): boolean {
  return error instanceof DefinedError && error.code === "already_exists";
}

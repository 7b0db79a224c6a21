import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { hashPassword, upgradedPasswordHash, verifyPassword } from "../passwords/index.ts";
import { errNotFound, type User, type UserStore } from "../store/index.ts";

/** User states that may not sign in or use tokens. */
const refusedStates = new Set(["STATE_REJECTED", "STATE_SUSPENDED"]);

/** The user when it exists, is not deleted and may sign in; otherwise `undefined`. */
export async function activeUser(users: UserStore, userId: string): Promise<User | undefined> {
  if (typeof userId !== "string" || userId === "") return undefined;
  try {
    const user = await users.get(userId);
    return user.state !== undefined && refusedStates.has(user.state) ? undefined : user;
  } catch (error) {
    if (errNotFound.matches(error)) return undefined;
    throw error;
  }
}

/** The longest user name (an email address) and password a sign-in form may send. */
const maxUsername = 320;
const maxPassword = 1000;

/**
 * The account that `username` (a user ID or a primary email address) names, as limits and
 * locks count it: the user ID of a known email address, otherwise the name itself, trimmed and
 * lower-cased (user IDs are lower case). Unknown names get a key too, so that limits treat
 * existing and unknown accounts alike and tell nobody which exist. `undefined` for an empty or
 * oversized name.
 */
export async function accountName(
  db: Kysely<DatabaseSchema>,
  username: string,
): Promise<string | undefined> {
  const name = username.trim();
  if (name === "" || name.length > maxUsername) return undefined;
  if (!name.includes("@")) return name.toLowerCase();
  const row = await db
    .selectFrom("users")
    .select("user_id")
    .where("deleted_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("primary_email_address", "=", name),
        eb("primary_email_address", "=", name.toLowerCase()),
      ]),
    )
    .executeTakeFirst();
  return row?.user_id ?? name.toLowerCase();
}

/**
 * The user that `account` (see {@link accountName}) and `password` sign in, or `undefined`:
 * unknown user, wrong password, no password, deleted, rejected or suspended. The reasons are
 * not told apart, so a caller learns nothing about which accounts exist.
 */
export async function checkPassword(
  users: UserStore,
  account: string,
  password: string,
): Promise<User | undefined> {
  const user =
    password !== "" && password.length <= maxPassword
      ? await activeUser(users, account)
      : undefined;
  if (!user?.password) {
    // As slow as a wrong password, so response times do not tell which accounts exist.
    dummyHash ??= hashPassword(randomUUID());
    await verifyPassword(password.slice(0, maxPassword), await dummyHash);
    return undefined;
  }
  if (!(await verifyPassword(password, user.password))) return undefined;
  await upgradePassword(users, user.userId, user.password, password);
  return user;
}

/**
 * Replaces a password hash of an older form (a user migrated from The Things Stack has PBKDF2)
 * with argon2id once the password has matched it, unless it changed meanwhile.
 */
async function upgradePassword(
  users: UserStore,
  userId: string,
  stored: string,
  password: string,
): Promise<void> {
  const upgraded = await upgradedPasswordHash(password, stored);
  if (upgraded === undefined) return;
  await users.update(userId, (current) =>
    current.password === stored ? { password: upgraded } : {},
  );
}

/** {@link accountName} then {@link checkPassword}. */
export async function checkCredentials(
  users: UserStore,
  db: Kysely<DatabaseSchema>,
  username: string,
  password: string,
): Promise<User | undefined> {
  const account = await accountName(db, username);
  return account === undefined ? undefined : checkPassword(users, account, password);
}

let dummyHash: Promise<string> | undefined;

/** The OpenID Connect claims of a user, by scope (see `claims` in provider.ts). */
export function userClaims(user: User): Record<string, unknown> {
  return {
    sub: user.userId,
    preferred_username: user.userId,
    name: user.name || undefined,
    email: user.primaryEmailAddress || undefined,
    email_verified: user.primaryEmailAddress
      ? user.primaryEmailAddressValidatedAt !== undefined
      : undefined,
  };
}

import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { hashPassword, verifyPassword } from "../passwords/index.ts";
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

/**
 * The user that `username` (a user ID or a primary email address) and `password` sign in, or
 * `undefined`: unknown user, wrong password, no password, deleted, rejected or suspended. The
 * reasons are not told apart, so a caller learns nothing about which accounts exist.
 */
export async function checkCredentials(
  users: UserStore,
  db: Kysely<DatabaseSchema>,
  username: string,
  password: string,
): Promise<User | undefined> {
  const name = username.trim();
  if (name === "" || password === "" || name.length > 320 || password.length > 1000)
    return undefined;
  let userId: string | undefined = name;
  if (name.includes("@")) {
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
    userId = row?.user_id;
  }
  const user = userId ? await activeUser(users, userId) : undefined;
  if (!user?.password) {
    // As slow as a wrong password, so response times do not tell which accounts exist.
    dummyHash ??= hashPassword(randomUUID());
    await verifyPassword(password, await dummyHash);
    return undefined;
  }
  return (await verifyPassword(password, user.password)) ? user : undefined;
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

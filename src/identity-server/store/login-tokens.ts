import { inTransaction, type StoreContext, timestamp } from "./database.ts";
import { entityExists } from "./entity-tables.ts";
import { errNotFound } from "./errors.ts";

/** A new one-time login token; the token itself is never stored, only its hash. */
export interface NewLoginToken {
  tokenHash: string;
  userId: string;
  expiresAt: Date;
}

export interface LoginTokenStore {
  /**
   * Adds the token unless the user already holds `maxActive` tokens that are neither used nor
   * expired (then `false`). Counting and adding hold the user's row, so concurrent requests
   * cannot pass the bound together; the user's expired and used tokens are removed on the way.
   * not_found when the user is missing or deleted.
   */
  create(token: NewLoginToken, maxActive: number): Promise<boolean>;
  /**
   * Uses a token: marks it used and returns its user, or `undefined` when the hash is unknown,
   * or the token was used or expired. A token works once.
   */
  consume(tokenHash: string): Promise<string | undefined>;
}

export function createLoginTokenStore(context: StoreContext): LoginTokenStore {
  const db = context.typed;
  return {
    create(token, maxActive) {
      return inTransaction(db, async (trx) => {
        if (!(await entityExists(trx, "user", token.userId, "update")))
          throw errNotFound.create({ kind: "user", id: token.userId });
        const now = timestamp(context.now());
        await trx
          .deleteFrom("login_tokens")
          .where("user_id", "=", token.userId)
          .where((eb) => eb.or([eb("expires_at", "<=", now), eb("used_at", "is not", null)]))
          .execute();
        const active = await trx
          .selectFrom("login_tokens")
          .select((eb) => eb.fn.countAll().as("count"))
          .where("user_id", "=", token.userId)
          .executeTakeFirstOrThrow();
        if (Number(active.count) >= maxActive) return false;
        await trx
          .insertInto("login_tokens")
          .values({
            token_hash: token.tokenHash,
            user_id: token.userId,
            created_at: now,
            expires_at: timestamp(token.expiresAt),
            used_at: null,
          })
          .execute();
        return true;
      });
    },

    async consume(tokenHash) {
      const now = timestamp(context.now());
      const row = await db
        .updateTable("login_tokens")
        .set({ used_at: now })
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returning("user_id")
        .executeTakeFirst();
      return row?.user_id;
    },
  };
}

import { inTransaction, type StoreContext, timestamp } from "./database.ts";
import { entityExists } from "./entity-tables.ts";
import { errNotFound } from "./errors.ts";

/** What using a temporary password gave. */
export type TemporaryPasswordUse = "used" | "expired" | "mismatch";

export interface TemporaryPasswordStore {
  /**
   * Sets the user's temporary password (its hash) unless one that has not expired exists
   * (then `false`). not_found when the user is missing or deleted.
   */
  create(userId: string, passwordHash: string, expiresAt: Date): Promise<boolean>;
  /**
   * Whether `passwordHash` is the user's temporary password and still valid, without using it:
   * `valid`, `expired` or `mismatch`.
   */
  check(userId: string, passwordHash: string): Promise<"valid" | "expired" | "mismatch">;
  /**
   * Uses the user's temporary password if its hash is `passwordHash`: `used` (and removed),
   * `expired` (and removed), or `mismatch` (no temporary password, or another one).
   */
  use(userId: string, passwordHash: string): Promise<TemporaryPasswordUse>;
  /** Removes the user's temporary password, if any. */
  delete(userId: string): Promise<void>;
}

export function createTemporaryPasswordStore(context: StoreContext): TemporaryPasswordStore {
  const db = context.typed;
  return {
    create(userId, passwordHash, expiresAt) {
      return inTransaction(db, async (trx) => {
        if (!(await entityExists(trx, "user", userId, "update")))
          throw errNotFound.create({ kind: "user", id: userId });
        const now = timestamp(context.now());
        const current = await trx
          .selectFrom("temporary_passwords")
          .select("expires_at")
          .where("user_id", "=", userId)
          .executeTakeFirst();
        if (current && current.expires_at > now) return false;
        await trx.deleteFrom("temporary_passwords").where("user_id", "=", userId).execute();
        await trx
          .insertInto("temporary_passwords")
          .values({
            user_id: userId,
            password_hash: passwordHash,
            created_at: now,
            expires_at: timestamp(expiresAt),
          })
          .execute();
        return true;
      });
    },

    async check(userId, passwordHash) {
      const row = await db
        .selectFrom("temporary_passwords")
        .select("expires_at")
        .where("user_id", "=", userId)
        .where("password_hash", "=", passwordHash)
        .executeTakeFirst();
      if (!row) return "mismatch";
      return row.expires_at > timestamp(context.now()) ? "valid" : "expired";
    },

    async use(userId, passwordHash) {
      const row = await db
        .deleteFrom("temporary_passwords")
        .where("user_id", "=", userId)
        .where("password_hash", "=", passwordHash)
        .returning("expires_at")
        .executeTakeFirst();
      if (!row) return "mismatch";
      return row.expires_at > timestamp(context.now()) ? "used" : "expired";
    },

    async delete(userId) {
      await db.deleteFrom("temporary_passwords").where("user_id", "=", userId).execute();
    },
  };
}

import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import { errAccountIdTaken } from "./errors.ts";
import type { AccountKind } from "./types.ts";

/**
 * Claims `id` in the namespace users and organizations share, inside the create's transaction.
 * A taken ID is reported with what holds it; a concurrent claim that slips past the check
 * fails on the primary key and is reported without the holder's kind.
 */
export async function claimAccountId(
  trx: UntypedDatabase,
  kind: AccountKind,
  id: string,
  createdAt: string,
): Promise<void> {
  const holder = await trx
    .selectFrom("accounts")
    .select("account_kind")
    .where("account_id", "=", id)
    .executeTakeFirst();
  if (holder) throw accountIdTaken(id, holder.account_kind);
  await trx
    .insertInto("accounts")
    .values({ account_id: id, account_kind: kind, created_at: createdAt })
    .execute();
}

/** The typed error for an ID taken by a user or organization (`undefined`: either). */
export function accountIdTaken(id: string, holderKind?: string) {
  const takenBy =
    holderKind === "user"
      ? "a user"
      : holderKind === "organization"
        ? "an organization"
        : "a user or organization";
  return errAccountIdTaken.create({ id, taken_by: takenBy, kind: holderKind ?? "account" });
}

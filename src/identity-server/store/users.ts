import { accountIdTaken, claimAccountId } from "./accounts.ts";
import type { StoreContext } from "./database.ts";
import { removeDependents } from "./entity-tables.ts";
import { errEmailTaken } from "./errors.ts";
import { Registry } from "./registry.ts";
import type { EntityStore, User, UserFields } from "./types.ts";

/** Users, keyed by user ID (shared with organizations). */
export type UserStore = EntityStore<string, UserFields, User>;

export function createUserStore(context: StoreContext): UserStore {
  return new Registry<string, UserFields, User>(context, {
    kind: "user",
    table: "users",
    keyColumns: ["user_id"],
    keyFields: ["userId"],
    keyValues: (id) => [id],
    describe: (id) => id,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
      { field: "primaryEmailAddress", column: "primary_email_address" },
    ],
    dateFields: ["primaryEmailAddressValidatedAt", "passwordUpdatedAt"],
    softDelete: true,
    beforeCreate: (trx, id, createdAt) => claimAccountId(trx, "user", id, createdAt),
    removeDependents: (trx, id) => removeDependents(trx, "user", id),
    clash(constraint, id, fields) {
      if (constraint.includes("primary_email_address"))
        return errEmailTaken.create({ email: fields.primaryEmailAddress });
      if (constraint.includes("account_id")) return accountIdTaken(id);
      return undefined;
    },
  });
}

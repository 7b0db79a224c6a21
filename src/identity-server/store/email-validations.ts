import { lockRows } from "../../storage/locking.ts";
import type { EmailValidationsTable } from "../../storage/schema.ts";
import { inTransaction, type StoreContext, timestamp } from "./database.ts";
import type { EntityKind } from "./entity-tables.ts";
import { errNotFound } from "./errors.ts";
import {
  errValidationTokenExpired,
  errValidationTokenUnknown,
  errValidationTokenUsed,
} from "./user-data-errors.ts";

/** The entity a validation was requested for. */
export interface ValidationEntityRef {
  kind: EntityKind;
  id: string;
}

/** A validation of an e-mail address; its token is stored only as a hash. */
export interface EmailValidation {
  id: string;
  entity: ValidationEntityRef;
  /** Lower case. */
  address: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

export interface NewEmailValidation {
  id: string;
  tokenHash: string;
  entity: ValidationEntityRef;
  address: string;
  expiresAt: Date;
}

export interface EmailValidationStore {
  /** The newest validation of the address for the entity that is neither used nor expired. */
  findPending(entity: ValidationEntityRef, address: string): Promise<EmailValidation | undefined>;
  create(validation: NewEmailValidation): Promise<EmailValidation>;
  /** Gives a pending validation a new token and expiry (its e-mail is sent again). */
  refresh(id: string, tokenHash: string, expiresAt: Date): Promise<EmailValidation>;
  /**
   * Uses a validation by its ID and token hash: marks it used and returns it.
   * `validation_token_not_found` when the ID and token do not match, `..._already_used`,
   * `..._expired`.
   */
  use(id: string, tokenHash: string): Promise<EmailValidation>;
  /** The user (not deleted) whose primary e-mail address is `address`, if any. */
  userWithAddress(address: string): Promise<string | undefined>;
}

export function createEmailValidationStore(context: StoreContext): EmailValidationStore {
  const db = context.typed;
  return {
    async findPending(entity, address) {
      const row = await db
        .selectFrom("email_validations")
        .selectAll()
        .where("entity_kind", "=", entity.kind)
        .where("entity_id", "=", entity.id)
        .where("address", "=", address.toLowerCase())
        .where("used_at", "is", null)
        .where("expires_at", ">", timestamp(context.now()))
        .orderBy("updated_at", "desc")
        .executeTakeFirst();
      return row && toValidation(row);
    },

    async create(validation) {
      const now = timestamp(context.now());
      const row: EmailValidationsTable = {
        id: validation.id,
        token_hash: validation.tokenHash,
        entity_kind: validation.entity.kind,
        entity_id: validation.entity.id,
        address: validation.address.toLowerCase(),
        created_at: now,
        updated_at: now,
        expires_at: timestamp(validation.expiresAt),
        used_at: null,
      };
      await db.insertInto("email_validations").values(row).execute();
      return toValidation(row);
    },

    async refresh(id, tokenHash, expiresAt) {
      const set = {
        token_hash: tokenHash,
        updated_at: timestamp(context.now()),
        expires_at: timestamp(expiresAt),
      };
      const row = await db
        .updateTable("email_validations")
        .set(set)
        .where("id", "=", id)
        .where("used_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw errNotFound.create({ kind: "email validation", id });
      return toValidation(row);
    },

    use(id, tokenHash) {
      return inTransaction(db, async (trx) => {
        const row = await lockRows(
          trx,
          trx
            .selectFrom("email_validations")
            .selectAll()
            .where("id", "=", id)
            .where("token_hash", "=", tokenHash),
          "update",
        ).executeTakeFirst();
        if (!row) throw errValidationTokenUnknown.create({ validation_id: id });
        if (row.used_at !== null) throw errValidationTokenUsed.create({ validation_id: id });
        const now = timestamp(context.now());
        if (row.expires_at <= now) throw errValidationTokenExpired.create({ validation_id: id });
        await trx
          .updateTable("email_validations")
          .set({ used_at: now, updated_at: now })
          .where("id", "=", id)
          .execute();
        return toValidation({ ...row, used_at: now, updated_at: now });
      });
    },

    async userWithAddress(address) {
      const row = await db
        .selectFrom("users")
        .select("user_id")
        .where("primary_email_address", "=", address.toLowerCase())
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return row?.user_id;
    },
  };
}

function toValidation(row: EmailValidationsTable): EmailValidation {
  const validation: EmailValidation = {
    id: row.id,
    entity: { kind: row.entity_kind as EntityKind, id: row.entity_id },
    address: row.address,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    expiresAt: new Date(row.expires_at),
  };
  if (row.used_at !== null) validation.usedAt = new Date(row.used_at);
  return validation;
}

import { errAlreadyExists, translateDatabaseError } from "../../storage/errors.ts";
import { lockRows } from "../../storage/locking.ts";
import type { ApiKeysTable } from "../../storage/schema.ts";
import { changed, inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import { entityExists, entityTables } from "./entity-tables.ts";
import { errFieldNotUpdatable, errIdTaken, errNotFound } from "./errors.ts";
import type { Page, PageOptions } from "./types.ts";

/** The kinds of entity that hold API keys. */
export type ApiKeyEntityKind = "user" | "organization" | "application" | "gateway" | "client";

export interface ApiKeyEntityRef {
  kind: ApiKeyEntityKind;
  id: string;
}

/** The fields of an API key that can change. */
export interface ApiKeyFields {
  name?: string;
  /** Right names (`RIGHT_APPLICATION_INFO`, ...), sorted, without duplicates. */
  rights?: string[];
  expiresAt?: Date;
}

/** An API key as stored: its secret only as a hash. */
export interface ApiKey {
  keyId: string;
  entity: ApiKeyEntityRef;
  name?: string;
  secretHash: string;
  rights: string[];
  expiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApiKey {
  keyId: string;
  entity: ApiKeyEntityRef;
  name?: string;
  secretHash: string;
  rights: readonly string[];
  expiresAt?: Date;
}

export interface ApiKeyStore {
  /** not_found when the entity is missing or deleted; already_exists when the key ID is taken. */
  create(key: NewApiKey): Promise<ApiKey>;
  /** The key for authentication (hash, rights, entity, expiry); not_found when missing. */
  get(keyId: string): Promise<ApiKey>;
  /** The keys of an entity, oldest first. */
  list(entity: ApiKeyEntityRef, options?: PageOptions): Promise<Page<ApiKey>>;
  /**
   * Changes the key atomically: `change` gets the current key, which no other update can
   * change until this one is written, and returns the fields to set (present with `undefined`:
   * cleared; rights: none).
   */
  update(
    keyId: string,
    change: (current: ApiKey) => ApiKeyFields | Promise<ApiKeyFields>,
  ): Promise<ApiKey>;
  /** Sets the named fields; a named field absent from `patch` is cleared (rights: none). */
  update(
    keyId: string,
    patch: ApiKeyFields,
    fieldMask: readonly (keyof ApiKeyFields)[],
  ): Promise<ApiKey>;
  delete(keyId: string): Promise<void>;
  /**
   * Replaces the key's secret hash `from` with `to` (a migrated hash upgraded after the secret
   * verified); false when the key is gone or its hash is no longer `from`. Not an update of the
   * key: `updated_at` stays.
   */
  replaceSecretHash(keyId: string, from: string, to: string): Promise<boolean>;
}

/** How each field that can change is stored. */
const fieldColumns: {
  [F in keyof ApiKeyFields]-?: (value: ApiKeyFields[F]) => Partial<ApiKeysTable>;
} = {
  name: (name) => ({ name: name ?? null }),
  rights: (rights) => ({ rights: JSON.stringify([...new Set(rights ?? [])].sort()) }),
  expiresAt: (expiresAt) => ({ expires_at: expiresAt ? timestamp(expiresAt) : null }),
};

function checkUpdatable(field: string): asserts field is keyof ApiKeyFields {
  if (!Object.hasOwn(fieldColumns, field))
    throw errFieldNotUpdatable.create({ field, kind: "API key" });
}

export function createApiKeyStore(context: StoreContext): ApiKeyStore {
  const db = context.typed;
  const notFound = (keyId: string) => errNotFound.create({ kind: "API key", id: keyId });

  /** Reads the key with its row locked (see `lockRows`), changes it and writes it back. */
  async function change(
    keyId: string,
    compute: (current: ApiKey) => ApiKeyFields | Promise<ApiKeyFields>,
  ): Promise<ApiKey> {
    return inTransaction(db, async (trx) => {
      const row = await lockRows(
        trx,
        trx.selectFrom("api_keys").selectAll().where("key_id", "=", keyId),
        "update",
      ).executeTakeFirst();
      if (!row) throw notFound(keyId);
      const changes = await compute(toApiKey(row));
      const set: Partial<ApiKeysTable> = { updated_at: timestamp(context.now()) };
      for (const field of Object.keys(changes)) {
        checkUpdatable(field);
        const column = fieldColumns[field] as (value: unknown) => Partial<ApiKeysTable>;
        Object.assign(set, column(changes[field]));
      }
      await trx.updateTable("api_keys").set(set).where("key_id", "=", keyId).execute();
      return toApiKey({ ...row, ...set });
    });
  }

  async function update(
    keyId: string,
    patchOrChange: ApiKeyFields | ((current: ApiKey) => ApiKeyFields | Promise<ApiKeyFields>),
    fieldMask: readonly (keyof ApiKeyFields)[] = [],
  ): Promise<ApiKey> {
    if (typeof patchOrChange === "function") return change(keyId, patchOrChange);
    for (const field of fieldMask) checkUpdatable(field);
    const changes = Object.fromEntries(fieldMask.map((field) => [field, patchOrChange[field]]));
    return change(keyId, () => changes);
  }

  return {
    async create(key) {
      const now = timestamp(context.now());
      const row: ApiKeysTable = {
        key_id: key.keyId,
        entity_kind: key.entity.kind,
        entity_id: key.entity.id,
        name: key.name ?? null,
        secret_hash: key.secretHash,
        rights: JSON.stringify([...new Set(key.rights)].sort()),
        expires_at: key.expiresAt ? timestamp(key.expiresAt) : null,
        created_at: now,
        updated_at: now,
      };
      try {
        await inTransaction(db, async (trx) => {
          // Locked so that a concurrent delete or purge of the entity cannot leave the key behind.
          if (!(await entityExists(trx, key.entity.kind, key.entity.id, "share")))
            throw errNotFound.create({
              kind: entityTables[key.entity.kind].words,
              id: key.entity.id,
            });
          await trx.insertInto("api_keys").values(row).execute();
        });
      } catch (error) {
        const translated = translateDatabaseError(error);
        if (errAlreadyExists.matches(translated))
          throw errIdTaken.create({ kind: "API key", id: key.keyId }, error);
        throw translated;
      }
      return toApiKey(row);
    },

    async get(keyId) {
      const row = await db
        .selectFrom("api_keys")
        .selectAll()
        .where("key_id", "=", keyId)
        .executeTakeFirst();
      if (!row) throw notFound(keyId);
      return toApiKey(row);
    },

    async list(entity, options) {
      const query = db
        .selectFrom("api_keys")
        .where("entity_kind", "=", entity.kind)
        .where("entity_id", "=", entity.id);
      const counted = await query
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      let rows = query.selectAll().orderBy("created_at", "asc").orderBy("key_id", "asc");
      const window = pageWindow(options);
      if (window.limit !== undefined) rows = rows.limit(window.limit).offset(window.offset);
      return { items: (await rows.execute()).map(toApiKey), total: Number(counted.count) };
    },

    update: update as ApiKeyStore["update"],

    async delete(keyId) {
      const result = await db.deleteFrom("api_keys").where("key_id", "=", keyId).executeTakeFirst();
      if (changed(result) === 0) throw notFound(keyId);
    },

    async replaceSecretHash(keyId, from, to) {
      const result = await db
        .updateTable("api_keys")
        .set({ secret_hash: to })
        .where("key_id", "=", keyId)
        .where("secret_hash", "=", from)
        .executeTakeFirst();
      return changed(result) > 0;
    },
  };
}

function toApiKey(row: ApiKeysTable): ApiKey {
  const key: ApiKey = {
    keyId: row.key_id,
    entity: { kind: row.entity_kind as ApiKeyEntityKind, id: row.entity_id },
    secretHash: row.secret_hash,
    rights: JSON.parse(row.rights),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.name !== null) key.name = row.name;
  if (row.expires_at !== null) key.expiresAt = new Date(row.expires_at);
  return key;
}

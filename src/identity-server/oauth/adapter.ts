import type { Kysely } from "kysely";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { DatabaseSchema } from "../../storage/schema.ts";

/**
 * oidc-provider's storage on our database (table `oauth_artifacts`, migration 0003): one row
 * per artifact, keyed by model and ID, the payload as JSON text. Rows whose `expires_at` has
 * passed are never returned (and are removed by {@link deleteExpiredOAuthArtifacts}); the
 * consumption time lives in its own column and is handed back as the payload's `consumed`.
 * Works the same on SQLite and PostgreSQL: timestamps are RFC 3339 text in UTC, which sorts
 * in time order on both.
 */
export class DatabaseAdapter implements Adapter {
  readonly model: string;
  readonly #db: Kysely<DatabaseSchema>;
  readonly #now: () => Date;

  constructor(model: string, db: Kysely<DatabaseSchema>, now: () => Date = () => new Date()) {
    this.model = model;
    this.#db = db;
    this.#now = now;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { consumed, ...rest } = payload;
    const now = this.#now();
    const row = {
      payload: JSON.stringify(rest),
      grant_id: stringOrNull(payload.grantId),
      user_code: stringOrNull(payload.userCode),
      uid: stringOrNull(payload.uid),
      expires_at:
        typeof expiresIn === "number" && Number.isFinite(expiresIn)
          ? new Date(now.getTime() + expiresIn * 1000).toISOString()
          : null,
      consumed_at: typeof consumed === "number" ? new Date(consumed * 1000).toISOString() : null,
    };
    await this.#db
      .insertInto("oauth_artifacts")
      .values({ model: this.model, id, ...row })
      .onConflict((conflict) => conflict.columns(["model", "id"]).doUpdateSet(row))
      .execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findBy("id", id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy("uid", uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy("user_code", userCode);
  }

  async consume(id: string): Promise<void> {
    await this.#db
      .updateTable("oauth_artifacts")
      .set({ consumed_at: this.#now().toISOString() })
      .where("model", "=", this.model)
      .where("id", "=", id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#db
      .deleteFrom("oauth_artifacts")
      .where("model", "=", this.model)
      .where("id", "=", id)
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db
      .deleteFrom("oauth_artifacts")
      .where("model", "=", this.model)
      .where("grant_id", "=", grantId)
      .execute();
  }

  async #findBy(
    column: "id" | "uid" | "user_code",
    value: string,
  ): Promise<AdapterPayload | undefined> {
    if (typeof value !== "string" || value === "") return undefined;
    const now = this.#now().toISOString();
    const row = await this.#db
      .selectFrom("oauth_artifacts")
      .select(["payload", "consumed_at"])
      .where("model", "=", this.model)
      .where(column, "=", value)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirst();
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null)
      payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
    return payload;
  }
}

/** Removes the artifacts that expired before `now`; returns how many. Run it now and then. */
export async function deleteExpiredOAuthArtifacts(
  db: Kysely<DatabaseSchema>,
  now: Date = new Date(),
): Promise<number> {
  const result = await db
    .deleteFrom("oauth_artifacts")
    .where("expires_at", "<=", now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

import type { Kysely } from "kysely";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { addressHash, artifactKey } from "./artifact-key.ts";
import type { InteractionBounds } from "./interactions.ts";

export interface DatabaseAdapterOptions {
  /** The clock (tests). */
  now?: () => Date;
  /** The client address (limiter key) of the request being served, when known. */
  address?: () => string | undefined;
  /** Bounds applied after each stored interaction. */
  interactions?: InteractionBounds;
}

/** Payload fields that carry another artifact's secret, removed before storing, by model. */
const scrubbers: Record<string, (payload: AdapterPayload) => AdapterPayload> = {
  // An interaction names the sign-in session's ID (its cookie value) for the application;
  // oidc-provider itself never reads it back, and we do not either.
  Interaction: (payload) => {
    const session = payload.session as Record<string, unknown> | undefined;
    if (!session || typeof session !== "object" || !("cookie" in session)) return payload;
    const { cookie: _cookie, ...rest } = session;
    return { ...payload, session: rest };
  },
};

/**
 * oidc-provider's storage on our database (table `oauth_artifacts`, migrations 0003, 0005, 0006):
 * one row per artifact, keyed by model and {@link artifactKey} (the SHA-256 of the ID: for
 * opaque tokens and codes the ID *is* the token, so it is never stored), the payload as JSON
 * text without its ID (`jti`, put back from the ID a lookup is made with), its account (the
 * user, for sessions, grants, codes and tokens) in a column of its own. Rows whose
 * `expires_at` has passed are never returned (and are removed by
 * {@link deleteExpiredOAuthArtifacts}); the consumption time lives in its own column and is
 * handed back as the payload's `consumed`. An interaction row also keeps a hash of the client
 * address that started it, for {@link InteractionBounds}. Every row keeps its user and client
 * (`account_id`, `client_id`) and when it was first stored and last changed (migration 0009),
 * for the lists of authorizations and tokens (`authorizations.ts`).
 *
 * A session found by its UID (`findByUid`) comes back without its ID, which only its cookie
 * holds: oidc-provider uses such a lookup to check that the session exists and whose it is,
 * never to save it again.
 *
 * Works the same on SQLite and PostgreSQL: timestamps are RFC 3339 text in UTC, which sorts
 * in time order on both.
 */
export class DatabaseAdapter implements Adapter {
  readonly model: string;
  readonly #db: Kysely<DatabaseSchema>;
  readonly #now: () => Date;
  readonly #address: () => string | undefined;
  readonly #interactions: InteractionBounds | undefined;

  constructor(model: string, db: Kysely<DatabaseSchema>, options: DatabaseAdapterOptions = {}) {
    this.model = model;
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    this.#address = options.address ?? (() => undefined);
    this.#interactions = model === "Interaction" ? options.interactions : undefined;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { consumed, jti: _jti, ...rest } = payload;
    const stored = scrubbers[this.model]?.(rest) ?? rest;
    const now = this.#now();
    const address = this.model === "Interaction" ? this.#address() : undefined;
    const row = {
      payload: JSON.stringify(stored),
      grant_id: stringOrNull(payload.grantId),
      user_code: stringOrNull(payload.userCode),
      uid: stringOrNull(payload.uid),
      expires_at:
        typeof expiresIn === "number" && Number.isFinite(expiresIn)
          ? new Date(now.getTime() + expiresIn * 1000).toISOString()
          : null,
      consumed_at: typeof consumed === "number" ? new Date(consumed * 1000).toISOString() : null,
      ...(address === undefined ? {} : { address_hash: addressHash(address) }),
      // Whose artifact it is, for the lists of a user's authorizations and tokens.
      account_id: stringOrNull(payload.accountId),
      client_id: stringOrNull(payload.clientId),
      updated_at: now.toISOString(),
    };
    await this.#db
      .insertInto("oauth_artifacts")
      .values({ model: this.model, id: artifactKey(id), created_at: now.toISOString(), ...row })
      .onConflict((conflict) => conflict.columns(["model", "id"]).doUpdateSet(row))
      .execute();
    await this.#interactions?.stored(row.address_hash);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (typeof id !== "string" || id === "") return undefined;
    const payload = await this.#findBy("id", artifactKey(id));
    if (payload) payload.jti = id;
    return payload;
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
      .where("id", "=", artifactKey(id))
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#db
      .deleteFrom("oauth_artifacts")
      .where("model", "=", this.model)
      .where("id", "=", artifactKey(id))
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

/** How many expired rows one statement deletes: short transactions, no long lock. */
const sweepBatch = 1000;

/**
 * Removes the artifacts that expired before `now` (sessions, interactions, grants, codes and
 * tokens), in batches; returns how many.
 */
export async function deleteExpiredOAuthArtifacts(
  db: Kysely<DatabaseSchema>,
  now: Date = new Date(),
): Promise<number> {
  const before = now.toISOString();
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom("oauth_artifacts")
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple("model", "id"),
          "in",
          selectFrom("oauth_artifacts")
            .select(["model", "id"])
            .where("expires_at", "<=", before)
            .limit(sweepBatch)
            .$asTuple("model", "id"),
        ),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < sweepBatch) return total;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

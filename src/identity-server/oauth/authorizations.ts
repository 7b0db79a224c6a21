import { type Kysely, sql } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";
import { inTransaction } from "../../storage/transaction.ts";
import { artifactKey } from "./artifact-key.ts";

/** A user's authorization of an OAuth client: the grants of all its sign-in sessions. */
export interface OAuthAuthorization {
  userId: string;
  clientId: string;
  /** When the first grant still kept was made. */
  createdAt: Date;
  /** When a grant of the client was last changed. */
  updatedAt: Date;
}

/** An access token a user's authorization gave a client, without the token itself. */
export interface OAuthTokenRecord {
  /** The key the token is stored under (the SHA-256 of the token): never the token. */
  id: string;
  userId: string;
  clientId: string;
  grantId?: string;
  createdAt: Date;
  expiresAt?: Date;
}

/** One page and the number of items on all pages. */
export interface OAuthPage<T> {
  items: T[];
  total: number;
}

/** Paging of these lists: `limit` > 0, `page` from 1, oldest first unless `descending`. */
export interface OAuthPageOptions {
  limit: number;
  page: number;
  descending?: boolean;
}

/** The artifacts an authorization consists of, removed with it. */
const authorizationModels = ["Grant", "AccessToken", "RefreshToken", "AuthorizationCode"];

/**
 * The OAuth authorizations and tokens of users, read from and removed in the OAuth server's
 * own storage (`oauth_artifacts`, see {@link DatabaseAdapter}) by the user and client columns
 * every artifact carries, paged in SQL. Expired artifacts are not listed (the sweeper removes
 * them).
 */
export class OAuthAuthorizations {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #now: () => Date;

  constructor(db: Kysely<DatabaseSchema>, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** The clients the user has authorized (that hold a grant that has not expired). */
  async listAuthorizations(
    userId: string,
    options: OAuthPageOptions,
  ): Promise<OAuthPage<OAuthAuthorization>> {
    const grants = this.#live("Grant").where("account_id", "=", userId);
    const counted = await grants
      .select((eb) => eb.fn.count<number | string>("client_id").distinct().as("count"))
      .executeTakeFirstOrThrow();
    const direction = options.descending ? "desc" : "asc";
    const rows = await grants
      .where("client_id", "is not", null)
      .select([
        "client_id",
        (eb) => eb.fn.min("created_at").as("created_at"),
        (eb) => eb.fn.max("updated_at").as("updated_at"),
      ])
      .groupBy("client_id")
      .orderBy(sql`min(created_at)`, direction)
      .orderBy("client_id", direction)
      .limit(options.limit)
      .offset((options.page - 1) * options.limit)
      .execute();
    return {
      total: Number(counted.count),
      items: rows.map((row) => ({
        userId,
        clientId: row.client_id as string,
        createdAt: dateOr(row.created_at, this.#now()),
        updatedAt: dateOr(row.updated_at ?? row.created_at, this.#now()),
      })),
    };
  }

  /** The access tokens of one authorization that have not expired. */
  async listTokens(
    userId: string,
    clientId: string,
    options: OAuthPageOptions,
  ): Promise<OAuthPage<OAuthTokenRecord>> {
    const tokens = this.#live("AccessToken")
      .where("account_id", "=", userId)
      .where("client_id", "=", clientId);
    const counted = await tokens
      .select((eb) => eb.fn.countAll<number | string>().as("count"))
      .executeTakeFirstOrThrow();
    const direction = options.descending ? "desc" : "asc";
    const rows = await tokens
      .select(["id", "account_id", "client_id", "grant_id", "created_at", "expires_at"])
      .orderBy("created_at", direction)
      .orderBy("id", direction)
      .limit(options.limit)
      .offset((options.page - 1) * options.limit)
      .execute();
    return { total: Number(counted.count), items: rows.map((row) => this.#token(row)) };
  }

  /** The access token stored under `id` (see {@link OAuthTokenRecord.id}), if it is live. */
  async token(id: string): Promise<OAuthTokenRecord | undefined> {
    const row = await this.#live("AccessToken")
      .where("id", "=", id)
      .select(["id", "account_id", "client_id", "grant_id", "created_at", "expires_at"])
      .executeTakeFirst();
    return row ? this.#token(row) : undefined;
  }

  /** The record of a bearer access token, found by hashing it. */
  tokenOfBearer(token: string): Promise<OAuthTokenRecord | undefined> {
    return this.token(artifactKey(token));
  }

  /**
   * Withdraws the user's authorization of the client: its grants, codes, access and refresh
   * tokens. Returns whether there was anything to withdraw.
   */
  async deleteAuthorization(userId: string, clientId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("oauth_artifacts")
      .where("model", "in", authorizationModels)
      .where("account_id", "=", userId)
      .where("client_id", "=", clientId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Revokes an access token and the refresh tokens of its grant (the same sign-in session
   * and client), so the client cannot simply fetch a new one. Returns whether it existed.
   */
  async deleteToken(token: OAuthTokenRecord): Promise<boolean> {
    return inTransaction(this.#db, async (trx) => {
      const result = await trx
        .deleteFrom("oauth_artifacts")
        .where("model", "=", "AccessToken")
        .where("id", "=", token.id)
        .executeTakeFirst();
      if (token.grantId) {
        await trx
          .deleteFrom("oauth_artifacts")
          .where("model", "=", "RefreshToken")
          .where("grant_id", "=", token.grantId)
          .where("account_id", "=", token.userId)
          .where("client_id", "=", token.clientId)
          .execute();
      }
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** The rows of a model that have not expired. */
  #live(model: string) {
    const now = this.#now().toISOString();
    return this.#db
      .selectFrom("oauth_artifacts")
      .where("model", "=", model)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
  }

  #token(row: {
    id: string;
    account_id: string | null;
    client_id: string | null;
    grant_id: string | null;
    created_at: string | null;
    expires_at: string | null;
  }): OAuthTokenRecord {
    return {
      id: row.id,
      userId: row.account_id ?? "",
      clientId: row.client_id ?? "",
      ...(row.grant_id ? { grantId: row.grant_id } : {}),
      createdAt: dateOr(row.created_at, this.#now()),
      ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
    };
  }
}

function dateOr(text: unknown, fallback: Date): Date {
  return typeof text === "string" ? new Date(text) : fallback;
}

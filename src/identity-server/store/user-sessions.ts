import { pageWindow, type StoreContext, timestamp } from "./database.ts";
import { errNotFound } from "./errors.ts";
import type { Page, PageOptions } from "./types.ts";

/**
 * A user's sign-in session of the OAuth server (the Console's session): an oidc-provider
 * `Session` row of `oauth_artifacts`. Its ID here is the session's UID, never the ID its cookie
 * holds, which is a secret.
 */
export interface UserSession {
  userId: string;
  sessionId: string;
  createdAt?: Date;
  updatedAt?: Date;
  expiresAt?: Date;
}

export interface UserSessionStore {
  /** The user's sessions that have not expired, oldest first (newest first: `descending`). */
  list(
    userId: string,
    options?: PageOptions & { descending?: boolean },
  ): Promise<Page<UserSession>>;
  /** Ends a session of the user; not_found when the user has no such session. */
  delete(userId: string, sessionId: string): Promise<void>;
  /**
   * Ends every session of the user and, with `tokens`, every OAuth grant, authorization code,
   * access and refresh token it holds; returns how many artifacts went.
   */
  deleteAll(userId: string, options?: { tokens?: boolean }): Promise<number>;
}

const sessionModel = "Session";
/** The oidc-provider models that act for a user. */
const accessModels = ["Session", "Grant", "AuthorizationCode", "AccessToken", "RefreshToken"];

export function createUserSessionStore(context: StoreContext): UserSessionStore {
  const db = context.typed;
  const live = () => {
    const now = timestamp(context.now());
    return db
      .selectFrom("oauth_artifacts")
      .where("model", "=", sessionModel)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
  };
  return {
    async list(userId, options = {}) {
      const base = live().where("account_id", "=", userId).where("uid", "is not", null);
      const counted = await base
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      // A session expires a fixed time after it was made (oidc-provider sets its expiry once),
      // so its expiry orders sessions by creation, in SQL; the UID breaks ties.
      const direction = options.descending ? "desc" : "asc";
      let query = base
        .select(["uid", "payload", "expires_at"])
        .orderBy("expires_at", direction)
        .orderBy("uid", direction);
      const window = pageWindow(options);
      if (window.limit !== undefined) query = query.limit(window.limit).offset(window.offset);
      const rows = await query.execute();
      return { items: rows.map((row) => toSession(userId, row)), total: Number(counted.count) };
    },

    async delete(userId, sessionId) {
      const result = await db
        .deleteFrom("oauth_artifacts")
        .where("model", "=", sessionModel)
        .where("account_id", "=", userId)
        .where("uid", "=", sessionId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0)
        throw errNotFound.create({ kind: "session", id: sessionId });
    },

    async deleteAll(userId, options = {}) {
      const result = await db
        .deleteFrom("oauth_artifacts")
        .where("model", "in", options.tokens ? accessModels : [sessionModel])
        .where("account_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toSession(
  userId: string,
  row: { uid: string | null; payload: string; expires_at: string | null },
): UserSession {
  const session: UserSession = { userId, sessionId: row.uid ?? "" };
  const payload = parse(row.payload);
  const loginTs = seconds(payload.loginTs);
  const issued = seconds(payload.iat);
  if (loginTs ?? issued) session.createdAt = loginTs ?? issued;
  if (issued) session.updatedAt = issued;
  if (row.expires_at) session.expiresAt = new Date(row.expires_at);
  return session;
}

function parse(payload: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function seconds(value: unknown): Date | undefined {
  return typeof value === "number" && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}

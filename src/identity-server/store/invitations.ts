import { errAlreadyExists, translateDatabaseError } from "../../storage/errors.ts";
import { lockRows } from "../../storage/locking.ts";
import type { InvitationsTable } from "../../storage/schema.ts";
import { changed, inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import { errNotFound } from "./errors.ts";
import type { Page, PageOptions } from "./types.ts";
import {
  errInvitationAccepted,
  errInvitationExists,
  errInvitationTokenExpired,
  errInvitationTokenUnknown,
} from "./user-data-errors.ts";

/** An invitation to register: one per e-mail address, its token stored only as a hash. */
export interface Invitation {
  /** Lower case. */
  email: string;
  sentBy?: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  acceptedAt?: Date;
  acceptedBy?: string;
}

export interface NewInvitation {
  email: string;
  tokenHash: string;
  sentBy?: string;
  expiresAt: Date;
}

export interface InvitationStore {
  /**
   * Adds an invitation. An earlier invitation of the address that expired without being
   * accepted is replaced; a pending or accepted one is `invitation_exists`.
   */
  create(invitation: NewInvitation): Promise<Invitation>;
  /** Every invitation, newest first. */
  list(options?: PageOptions): Promise<Page<Invitation>>;
  /** not_found when there is no invitation for the address. */
  delete(email: string): Promise<void>;
  /**
   * Checks a token without using it: the same refusals as `accept` (unknown, accepted,
   * expired), so a registration is refused before any work is done for it.
   */
  check(tokenHash: string): Promise<void>;
  /**
   * Accepts the invitation of a token for a user who registers with it, in the transaction
   * that creates the user: unknown, expired and accepted tokens are refused.
   */
  accept(tokenHash: string, userId: string): Promise<Invitation>;
}

export function createInvitationStore(context: StoreContext): InvitationStore {
  const db = context.typed;
  return {
    async create(invitation) {
      const email = invitation.email.toLowerCase();
      const now = timestamp(context.now());
      const row: InvitationsTable = {
        email,
        token_hash: invitation.tokenHash,
        sent_by: invitation.sentBy ?? null,
        created_at: now,
        updated_at: now,
        expires_at: timestamp(invitation.expiresAt),
        accepted_at: null,
        accepted_by: null,
      };
      try {
        await inTransaction(db, async (trx) => {
          const current = await lockRows(
            trx,
            trx.selectFrom("invitations").selectAll().where("email", "=", email),
            "update",
          ).executeTakeFirst();
          if (current) {
            if (current.accepted_at !== null || current.expires_at > now)
              throw errInvitationExists.create({ email });
            await trx.deleteFrom("invitations").where("email", "=", email).execute();
          }
          await trx.insertInto("invitations").values(row).execute();
        });
      } catch (error) {
        const translated = translateDatabaseError(error);
        // A concurrent invitation of the same address got there first.
        if (errAlreadyExists.matches(translated))
          throw errInvitationExists.create({ email }, error);
        throw translated;
      }
      return toInvitation(row);
    },

    async list(options) {
      const counted = await db
        .selectFrom("invitations")
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      let query = db
        .selectFrom("invitations")
        .selectAll()
        .orderBy("created_at", "desc")
        .orderBy("email", "asc");
      const window = pageWindow(options);
      if (window.limit !== undefined) query = query.limit(window.limit).offset(window.offset);
      return { items: (await query.execute()).map(toInvitation), total: Number(counted.count) };
    },

    async delete(email) {
      const result = await db
        .deleteFrom("invitations")
        .where("email", "=", email.toLowerCase())
        .executeTakeFirst();
      if (changed(result) === 0) throw errNotFound.create({ kind: "invitation", id: email });
    },

    async check(tokenHash) {
      const row = await db
        .selectFrom("invitations")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      refuseUnusable(row, timestamp(context.now()));
    },

    accept(tokenHash, userId) {
      return inTransaction(db, async (trx) => {
        const row = await lockRows(
          trx,
          trx.selectFrom("invitations").selectAll().where("token_hash", "=", tokenHash),
          "update",
        ).executeTakeFirst();
        const now = timestamp(context.now());
        refuseUnusable(row, now);
        const accepted = { accepted_at: now, accepted_by: userId, updated_at: now };
        await trx.updateTable("invitations").set(accepted).where("email", "=", row.email).execute();
        return toInvitation({ ...row, ...accepted });
      });
    },
  };
}

/** Throws unless the invitation exists, is not accepted and has not expired at `now`. */
function refuseUnusable(
  row: InvitationsTable | undefined,
  now: string,
): asserts row is InvitationsTable {
  if (!row) throw errInvitationTokenUnknown.create();
  if (row.accepted_at !== null) throw errInvitationAccepted.create();
  if (row.expires_at <= now) throw errInvitationTokenExpired.create();
}

function toInvitation(row: InvitationsTable): Invitation {
  const invitation: Invitation = {
    email: row.email,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    expiresAt: new Date(row.expires_at),
  };
  if (row.sent_by !== null) invitation.sentBy = row.sent_by;
  if (row.accepted_at !== null) invitation.acceptedAt = new Date(row.accepted_at);
  if (row.accepted_by !== null) invitation.acceptedBy = row.accepted_by;
  return invitation;
}

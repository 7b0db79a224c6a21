import type { UntypedDatabase } from "../../storage/migrations/migration.ts";

/**
 * Removes what users keep about an entity that is being purged (run in the purge's
 * transaction): bookmarks of it (of an application: also of its end devices) and e-mail
 * validations requested for it; of a user also its login tokens, temporary password,
 * bookmarks, received notifications (and notifications nobody else received), and its OAuth
 * sessions, grants and tokens.
 */
export async function removeUserData(
  trx: UntypedDatabase,
  kind: "user" | "organization" | "application" | "gateway" | "client",
  id: string,
): Promise<void> {
  await trx
    .deleteFrom("user_bookmarks")
    .where((eb) =>
      eb.and([
        kind === "application"
          ? eb("entity_kind", "in", ["application", "end_device"])
          : eb("entity_kind", "=", kind),
        eb("entity_id", "=", id),
      ]),
    )
    .execute();
  await trx
    .deleteFrom("email_validations")
    .where("entity_kind", "=", kind)
    .where("entity_id", "=", id)
    .execute();
  if (kind !== "user") return;

  for (const table of ["login_tokens", "temporary_passwords", "user_bookmarks"])
    await trx.deleteFrom(table).where("user_id", "=", id).execute();
  const received: { notification_id: string }[] = await trx
    .selectFrom("notification_receivers")
    .select("notification_id")
    .where("user_id", "=", id)
    .execute();
  await trx.deleteFrom("notification_receivers").where("user_id", "=", id).execute();
  const ids = received.map((row) => row.notification_id);
  for (let start = 0; start < ids.length; start += 500) {
    await trx
      .deleteFrom("notifications")
      .where("id", "in", ids.slice(start, start + 500))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("notification_receivers as r")
              .select("r.user_id")
              .whereRef("r.notification_id", "=", "notifications.id"),
          ),
        ),
      )
      .execute();
  }
  await trx.deleteFrom("oauth_artifacts").where("account_id", "=", id).execute();
}

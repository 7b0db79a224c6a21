import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ErrorDefinition } from "../../errors/index.ts";
import type { Database } from "../../storage/database.ts";
import type { StoreConformanceTarget } from "./conformance.ts";
import { errNotFound } from "./errors.ts";
import { createIdentityStores, type IdentityStores } from "./index.ts";
import {
  errBookmarkExists,
  errInvitationAccepted,
  errInvitationExists,
  errInvitationTokenExpired,
  errInvitationTokenUnknown,
  errValidationTokenExpired,
  errValidationTokenUnknown,
  errValidationTokenUsed,
} from "./user-data-errors.ts";

/** A clock the test moves by hand. */
function manualClock(start = "2026-03-01T00:00:00.000Z") {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    at(offsetMs: number) {
      return new Date(current + offsetMs);
    },
  };
}

const minute = 60_000;
const hour = 60 * minute;

async function rejectsWith(promise: Promise<unknown>, definition: ErrorDefinition) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(definition.matches(error), `expected ${definition.name}, got ${String(error)}`);
    return true;
  });
}

/**
 * The contract of the stores of what users keep besides their accounts: login tokens,
 * temporary passwords, invitations, e-mail validations, notifications, bookmarks and sessions.
 * Run once per engine (store.test.ts).
 */
export function describeUserDataStoreConformance(
  engineName: string,
  target: StoreConformanceTarget,
): void {
  async function withStores(
    body: (
      stores: IdentityStores,
      clock: ReturnType<typeof manualClock>,
      database: Database,
    ) => Promise<void>,
  ): Promise<void> {
    const database = await target.open();
    const clock = manualClock();
    try {
      const stores = createIdentityStores(database.db, { now: clock.now });
      for (const id of ["alice", "bob"])
        await stores.users.create(id, { primaryEmailAddress: `${id}@example.com` });
      await body(stores, clock, database);
    } finally {
      await database.close();
    }
  }

  describe(`user data store conformance: ${engineName}`, () => {
    it("keeps at most a number of active login tokens per user, each usable once", () =>
      withStores(async ({ loginTokens }, clock) => {
        const expiresAt = clock.at(hour);
        for (let index = 0; index < 3; index++) {
          assert.equal(
            await loginTokens.create({ tokenHash: `h${index}`, userId: "alice", expiresAt }, 3),
            true,
          );
        }
        assert.equal(
          await loginTokens.create({ tokenHash: "h3", userId: "alice", expiresAt }, 3),
          false,
          "a fourth active token is refused",
        );
        assert.equal(await loginTokens.consume("h0"), "alice");
        assert.equal(await loginTokens.consume("h0"), undefined, "a token works once");
        assert.equal(await loginTokens.consume("unknown"), undefined);
        assert.equal(
          await loginTokens.create({ tokenHash: "h3", userId: "alice", expiresAt }, 3),
          true,
          "a used token no longer counts",
        );
        clock.advance(hour);
        assert.equal(await loginTokens.consume("h1"), undefined, "an expired token is refused");
        await rejectsWith(
          loginTokens.create({ tokenHash: "x", userId: "nobody", expiresAt: clock.at(hour) }, 3),
          errNotFound,
        );
      }));

    it("counts active login tokens under a lock: concurrent requests cannot pass the bound", () =>
      withStores(async (stores, clock) => {
        // Without the lock, one round in a few lets six or more through on PostgreSQL.
        for (let round = 0; round < 20; round++) {
          const userId = `racer-${round}`;
          await stores.users.create(userId, {});
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, index) =>
              stores.loginTokens.create(
                { tokenHash: `${userId}-${index}`, userId, expiresAt: clock.at(hour) },
                5,
              ),
            ),
          );
          assert.equal(results.filter(Boolean).length, 5, `round ${round}`);
        }
      }));

    it("keeps one temporary password per user until it is used or expires", () =>
      withStores(async ({ temporaryPasswords }, clock) => {
        assert.equal(await temporaryPasswords.create("alice", "p1", clock.at(hour)), true);
        assert.equal(
          await temporaryPasswords.create("alice", "p2", clock.at(hour)),
          false,
          "a valid one stays",
        );
        assert.equal(await temporaryPasswords.check("alice", "p2"), "mismatch");
        assert.equal(await temporaryPasswords.check("alice", "p1"), "valid", "checking keeps it");
        assert.equal(await temporaryPasswords.use("alice", "p2"), "mismatch");
        assert.equal(await temporaryPasswords.use("alice", "p1"), "used");
        assert.equal(await temporaryPasswords.use("alice", "p1"), "mismatch", "used once");

        assert.equal(await temporaryPasswords.create("alice", "p3", clock.at(hour)), true);
        clock.advance(hour);
        assert.equal(
          await temporaryPasswords.create("alice", "p4", clock.at(hour)),
          true,
          "an expired one is replaced",
        );
        clock.advance(2 * hour);
        assert.equal(await temporaryPasswords.check("alice", "p4"), "expired");
        assert.equal(await temporaryPasswords.use("alice", "p4"), "expired");
        await rejectsWith(temporaryPasswords.create("nobody", "p", clock.at(hour)), errNotFound);
      }));

    it("keeps one invitation per address, accepted once before it expires", () =>
      withStores(async ({ invitations }, clock) => {
        const first = await invitations.create({
          email: "New@Example.com",
          tokenHash: "t1",
          sentBy: "alice",
          expiresAt: clock.at(hour),
        });
        assert.equal(first.email, "new@example.com");
        await rejectsWith(
          invitations.create({
            email: "new@example.com",
            tokenHash: "t2",
            expiresAt: clock.at(hour),
          }),
          errInvitationExists,
        );
        clock.advance(minute);
        await invitations.create({
          email: "other@example.com",
          tokenHash: "t3",
          expiresAt: clock.at(hour),
        });
        const page = await invitations.list({ limit: 1, page: 1 });
        assert.equal(page.total, 2);
        assert.deepEqual(
          page.items.map((item) => item.email),
          ["other@example.com"],
          "newest first",
        );

        await invitations.check("t1");
        await rejectsWith(invitations.check("nope"), errInvitationTokenUnknown);
        const accepted = await invitations.accept("t1", "carol");
        await rejectsWith(invitations.check("t1"), errInvitationAccepted);
        assert.equal(accepted.acceptedBy, "carol");
        assert.ok(accepted.acceptedAt);
        await rejectsWith(invitations.accept("t1", "dave"), errInvitationAccepted);
        await rejectsWith(invitations.accept("nope", "dave"), errInvitationTokenUnknown);
        await rejectsWith(
          invitations.create({
            email: "new@example.com",
            tokenHash: "t4",
            expiresAt: clock.at(hour),
          }),
          errInvitationExists,
        );

        clock.advance(2 * hour);
        await rejectsWith(invitations.accept("t3", "dave"), errInvitationTokenExpired);
        const again = await invitations.create({
          email: "other@example.com",
          tokenHash: "t5",
          expiresAt: clock.at(hour),
        });
        assert.equal(again.acceptedAt, undefined, "an expired invitation is replaced");
        await invitations.delete("OTHER@example.com");
        await rejectsWith(invitations.delete("other@example.com"), errNotFound);
      }));

    it("uses an e-mail validation once, by ID and token, before it expires", () =>
      withStores(async ({ emailValidations }, clock) => {
        const entity = { kind: "user" as const, id: "alice" };
        await emailValidations.create({
          id: "v1",
          tokenHash: "k1",
          entity,
          address: "Alice@Example.com",
          expiresAt: clock.at(hour),
        });
        const pending = await emailValidations.findPending(entity, "alice@example.com");
        assert.equal(pending?.id, "v1");
        assert.equal(pending?.address, "alice@example.com");

        clock.advance(minute);
        const refreshed = await emailValidations.refresh("v1", "k2", clock.at(hour));
        assert.ok(refreshed.updatedAt > refreshed.createdAt);
        await rejectsWith(emailValidations.use("v1", "k1"), errValidationTokenUnknown);
        const used = await emailValidations.use("v1", "k2");
        assert.ok(used.usedAt);
        await rejectsWith(emailValidations.use("v1", "k2"), errValidationTokenUsed);
        assert.equal(await emailValidations.findPending(entity, "alice@example.com"), undefined);

        await emailValidations.create({
          id: "v2",
          tokenHash: "k3",
          entity,
          address: "alice@example.com",
          expiresAt: clock.at(hour),
        });
        clock.advance(hour);
        await rejectsWith(emailValidations.use("v2", "k3"), errValidationTokenExpired);
        assert.equal(await emailValidations.userWithAddress("ALICE@example.com"), "alice");
        assert.equal(await emailValidations.userWithAddress("nobody@example.com"), undefined);
      }));

    it("lists a user's notifications newest first, by status, paged", () =>
      withStores(async ({ notifications }, clock) => {
        for (const id of ["n1", "n2", "n3"]) {
          await notifications.create({
            id,
            entity: { kind: "application", id: "app" },
            type: "api_key_created",
            data: new Uint8Array([1, 2, 3]),
            senderId: "bob",
            receivers: ["NOTIFICATION_RECEIVER_ADMINISTRATIVE_CONTACT"],
            receiverUserIds: id === "n3" ? ["alice"] : ["alice", "bob", "alice"],
          });
          clock.advance(minute);
        }
        const all = await notifications.list("alice");
        assert.equal(all.total, 3);
        assert.deepEqual(
          all.items.map((item) => item.id),
          ["n3", "n2", "n1"],
        );
        const first = all.items[2];
        assert.deepEqual(first?.data, new Uint8Array([1, 2, 3]));
        assert.equal(first?.senderId, "bob");
        assert.equal(first?.status, "NOTIFICATION_STATUS_UNSEEN");
        assert.deepEqual(first?.entity, { kind: "application", id: "app" });

        assert.equal(
          await notifications.updateStatus(
            "alice",
            ["n1", "n2", "other"],
            "NOTIFICATION_STATUS_SEEN",
          ),
          2,
        );
        assert.equal(
          await notifications.updateStatus("bob", ["n3"], "NOTIFICATION_STATUS_SEEN"),
          0,
          "bob did not receive n3",
        );
        const seen = await notifications.list("alice", {
          statuses: ["NOTIFICATION_STATUS_SEEN"],
          limit: 1,
          page: 2,
        });
        assert.equal(seen.total, 2);
        assert.deepEqual(
          seen.items.map((item) => [item.id, item.status]),
          [["n1", "NOTIFICATION_STATUS_SEEN"]],
        );
        assert.ok(seen.items[0]?.statusUpdatedAt);
        assert.equal(
          (await notifications.list("bob")).items[0]?.status,
          "NOTIFICATION_STATUS_UNSEEN",
        );
      }));

    it("bookmarks entities that exist, lists live and deleted ones, and forgets purged ones", () =>
      withStores(async (stores, clock) => {
        const { bookmarks } = stores;
        await stores.applications.create("app", {});
        await stores.gateways.create("gw", {});
        await stores.endDevices.create({ applicationId: "app", deviceId: "dev" }, {});
        const app = { kind: "application" as const, id: "app" };
        const device = { kind: "end_device" as const, id: "app", deviceId: "dev" };
        for (const entity of [
          app,
          { kind: "gateway" as const, id: "gw" },
          device,
          { kind: "user" as const, id: "bob" },
        ]) {
          await bookmarks.create("alice", entity);
          clock.advance(1000);
        }
        await rejectsWith(bookmarks.create("alice", app), errBookmarkExists);
        await rejectsWith(
          bookmarks.create("alice", { kind: "application", id: "none" }),
          errNotFound,
        );
        await rejectsWith(
          bookmarks.create("alice", { kind: "end_device", id: "app", deviceId: "none" }),
          errNotFound,
        );
        await rejectsWith(bookmarks.create("nobody", app), errNotFound);

        const live = await bookmarks.list("alice");
        assert.equal(live.total, 4);
        assert.deepEqual(
          live.items.map((item) => item.entity),
          [app, { kind: "gateway", id: "gw" }, device, { kind: "user", id: "bob" }],
        );
        const newestFirst = await bookmarks.list("alice", {
          order: { field: "createdAt", descending: true },
          limit: 2,
        });
        assert.deepEqual(
          newestFirst.items.map((item) => item.entity.kind),
          ["user", "end_device"],
        );
        const gateways = await bookmarks.list("alice", { kinds: ["gateway"] });
        assert.deepEqual(
          gateways.items.map((item) => item.entity.id),
          ["gw"],
        );

        await stores.gateways.delete("gw");
        assert.equal((await bookmarks.list("alice")).total, 3);
        const deleted = await bookmarks.list("alice", { deleted: true });
        assert.deepEqual(
          deleted.items.map((item) => item.entity),
          [{ kind: "gateway", id: "gw" }],
        );
        await stores.gateways.restore("gw");
        assert.equal((await bookmarks.list("alice")).total, 4);

        await bookmarks.delete("alice", { kind: "user", id: "bob" });
        await rejectsWith(bookmarks.delete("alice", { kind: "user", id: "bob" }), errNotFound);
        assert.equal(
          await bookmarks.deleteMany("alice", [
            { kind: "gateway", id: "gw" },
            { kind: "client", id: "none" },
          ]),
          1,
        );
        await stores.endDevices.delete({ applicationId: "app", deviceId: "dev" });
        await stores.applications.purge("app");
        assert.equal((await bookmarks.list("alice")).total, 0);
        const rows = await stores.bookmarks.list("alice", { deleted: true });
        assert.equal(rows.total, 0, "bookmarks of a purged application and its devices are gone");
      }));

    it("lists and ends a user's OAuth sessions, never by the cookie's ID", () =>
      withStores(async ({ sessions, users }, clock, database) => {
        const session = async (
          id: string,
          account: string,
          expiresInMs: number,
          model = "Session",
        ) =>
          database.db
            .insertInto("oauth_artifacts")
            .values({
              model,
              id,
              payload: JSON.stringify({
                uid: `uid-${id}`,
                accountId: account,
                loginTs: 1_700_000_000,
              }),
              grant_id: null,
              user_code: null,
              uid: model === "Session" ? `uid-${id}` : null,
              expires_at: clock.at(expiresInMs).toISOString(),
              consumed_at: null,
              account_id: account,
            })
            .execute();
        await session("s1", "alice", 2 * hour);
        await session("s2", "alice", 3 * hour);
        await session("s3", "bob", 3 * hour);
        await session("s4", "alice", -minute);
        await session("t1", "alice", hour, "AccessToken");

        const listed = await sessions.list("alice", { descending: true });
        assert.equal(listed.total, 2, "expired sessions and other users' are left out");
        assert.deepEqual(
          listed.items.map((item) => item.sessionId),
          ["uid-s2", "uid-s1"],
        );
        assert.equal(listed.items[0]?.createdAt?.toISOString(), "2023-11-14T22:13:20.000Z");
        assert.ok(listed.items[0]?.expiresAt);

        await rejectsWith(sessions.delete("bob", "uid-s1"), errNotFound);
        await sessions.delete("alice", "uid-s1");
        assert.equal((await sessions.list("alice")).total, 1);

        assert.equal(await sessions.deleteAll("alice"), 2, "sessions only, expired included");
        assert.equal(await sessions.deleteAll("alice", { tokens: true }), 1, "then the token");
        await users.purge("bob");
        const left = await database.db.selectFrom("oauth_artifacts").select("id").execute();
        assert.deepEqual(left, [], "purging a user ends its sessions");
      }));

    it("purging a user removes what it kept", () =>
      withStores(async (stores, clock, database) => {
        await stores.loginTokens.create(
          { tokenHash: "l", userId: "alice", expiresAt: clock.at(hour) },
          5,
        );
        await stores.temporaryPasswords.create("alice", "p", clock.at(hour));
        await stores.bookmarks.create("alice", { kind: "user", id: "bob" });
        await stores.bookmarks.create("bob", { kind: "user", id: "alice" });
        await stores.emailValidations.create({
          id: "v",
          tokenHash: "k",
          entity: { kind: "user", id: "alice" },
          address: "alice@example.com",
          expiresAt: clock.at(hour),
        });
        await stores.notifications.create({
          id: "only-alice",
          entity: { kind: "user", id: "alice" },
          type: "api_key_created",
          receivers: [],
          receiverUserIds: ["alice"],
        });
        await stores.notifications.create({
          id: "shared",
          entity: { kind: "user", id: "alice" },
          type: "api_key_created",
          receivers: [],
          receiverUserIds: ["alice", "bob"],
        });
        await stores.users.purge("alice");
        for (const table of ["login_tokens", "temporary_passwords", "email_validations"]) {
          const rows = await database.db
            .selectFrom(table as "login_tokens")
            .selectAll()
            .execute();
          assert.deepEqual(rows, [], table);
        }
        assert.equal((await stores.bookmarks.list("bob")).total, 0, "bookmarks of alice are gone");
        const notifications = await database.db.selectFrom("notifications").select("id").execute();
        assert.deepEqual(
          notifications.map((row) => row.id),
          ["shared"],
          "a notification stays while someone else received it",
        );
      }));
  });
}

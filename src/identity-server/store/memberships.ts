import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import { lockRows } from "../../storage/locking.ts";
import type { UntypedDatabase } from "../../storage/migrations/migration.ts";
import type { DatabaseSchema, MembershipsTable } from "../../storage/schema.ts";
import { inTransaction, pageWindow, type StoreContext, timestamp } from "./database.ts";
import { entityExists, entityTables } from "./entity-tables.ts";
import { errInvalidMembership, errNotFound } from "./errors.ts";
import type { AccountRef, Page, PageOptions } from "./types.ts";

/** The kinds of entity that have members (collaborators). */
export type MemberEntityKind = "application" | "gateway" | "organization" | "client";

export interface MemberEntityRef {
  kind: MemberEntityKind;
  id: string;
}

/** The rights of a user or organization on an entity. */
export interface Membership {
  account: AccountRef;
  entity: MemberEntityRef;
  /** Right names (`RIGHT_APPLICATION_INFO`, ...), sorted, without duplicates. */
  rights: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Expands rights to what they imply (`RIGHT_APPLICATION_ALL` to every application right), so
 * that intersections through organizations are taken on concrete rights. Supplied by the
 * rights module; the default takes rights literally.
 */
export type ExpandRights = (rights: readonly string[]) => readonly string[];

export interface MembershipStore {
  /**
   * Sets the account's rights on the entity; empty rights remove the membership (and return
   * `undefined`). not_found when the account or entity is missing or deleted; an organization
   * cannot be a member of an organization.
   */
  set(
    account: AccountRef,
    entity: MemberEntityRef,
    rights: readonly string[],
  ): Promise<Membership | undefined>;
  /**
   * Changes the account's rights on the entity atomically: `change` gets the current
   * membership (or `undefined`), which no other change of the entity's memberships can alter
   * until this one is written, and returns the new rights; empty rights remove the membership
   * (and return `undefined`). not_found when the account or entity is missing or deleted.
   */
  update(
    account: AccountRef,
    entity: MemberEntityRef,
    change: (current: Membership | undefined) => readonly string[] | Promise<readonly string[]>,
  ): Promise<Membership | undefined>;
  /** The account's direct membership of the entity, if any. */
  get(account: AccountRef, entity: MemberEntityRef): Promise<Membership | undefined>;
  /** The members of an entity, ordered by account ID. */
  listMembers(entity: MemberEntityRef, options?: PageOptions): Promise<Page<Membership>>;
  /** The memberships of an account, optionally of one entity kind, ordered by kind and ID. */
  listMemberships(
    account: AccountRef,
    entityKind?: MemberEntityKind,
    options?: PageOptions,
  ): Promise<Page<Membership>>;
  /**
   * A user's rights on an entity: its direct rights, plus for each (not deleted) organization
   * it belongs to, the user's rights in the organization intersected with the organization's
   * rights on the entity. Sorted.
   */
  effectiveRights(userId: string, entity: MemberEntityRef): Promise<string[]>;
  /**
   * The rights of a user (as {@link effectiveRights}) or an organization (its direct rights)
   * on many entities of one kind, in two statements at most; entities without rights are
   * absent. For list calls, which need the caller's rights on every entity of a page.
   */
  rightsOfEach(
    account: AccountRef,
    kind: MemberEntityKind,
    ids: readonly string[],
  ): Promise<Map<string, string[]>>;
  /**
   * Locks the entity's row (soft-deleted or not) until the end of the current transaction, as
   * a change of its memberships does: a check of its members and the write that depends on it
   * take turns with every other change of them. Returns whether the entity exists.
   */
  lockEntity(entity: MemberEntityRef): Promise<boolean>;
}

/**
 * The IDs of the entities of `kind` an account is a member of, as a subquery: directly, and for
 * a user also through the (not deleted) organizations it is a member of. For list calls that
 * page over an account's entities in SQL.
 */
export function memberEntityIdsQuery(
  db: UntypedDatabase,
  kind: MemberEntityKind,
  account: AccountRef,
) {
  const direct = db
    .selectFrom("memberships")
    .select("entity_id")
    .where("entity_kind", "=", kind)
    .where("account_kind", "=", account.kind)
    .where("account_id", "=", account.id);
  if (account.kind !== "user" || kind === "organization") return direct;
  return direct.union(
    db
      .selectFrom("memberships as grant")
      .innerJoin("memberships as member", (join) =>
        join
          .onRef("member.entity_id", "=", "grant.account_id")
          .on("member.entity_kind", "=", "organization"),
      )
      .innerJoin("organizations", "organizations.organization_id", "member.entity_id")
      .select("grant.entity_id")
      .where("grant.entity_kind", "=", kind)
      .where("grant.account_kind", "=", "organization")
      .where("member.account_kind", "=", "user")
      .where("member.account_id", "=", account.id)
      .where("organizations.deleted_at", "is", null),
  );
}

export function createMembershipStore(
  context: StoreContext,
  expandRights: ExpandRights = (rights) => rights,
): MembershipStore {
  const db = context.typed;

  const matches =
    (account: AccountRef, entity: MemberEntityRef) =>
    (eb: ExpressionBuilder<DatabaseSchema, "memberships">) =>
      eb.and([
        eb("account_id", "=", account.id),
        eb("account_kind", "=", account.kind),
        eb("entity_kind", "=", entity.kind),
        eb("entity_id", "=", entity.id),
      ]);

  async function page(
    filter: (eb: ExpressionBuilder<DatabaseSchema, "memberships">) => Expression<SqlBool>,
    order: readonly ("account_id" | "entity_kind" | "entity_id")[],
    options: PageOptions | undefined,
  ): Promise<Page<Membership>> {
    const query = db.selectFrom("memberships").where(filter);
    const counted = await query
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirstOrThrow();
    let rows = query.selectAll();
    for (const column of order) rows = rows.orderBy(column, "asc");
    const window = pageWindow(options);
    if (window.limit !== undefined) rows = rows.limit(window.limit).offset(window.offset);
    return { items: (await rows.execute()).map(toMembership), total: Number(counted.count) };
  }

  const update: MembershipStore["update"] = (account, entity, change) =>
    inTransaction(db, async (trx) => {
      const untyped = trx as UntypedDatabase;
      // The account cannot be deleted meanwhile; the entity's row is locked for update, so
      // changes of its memberships take turns (and it cannot be deleted or purged either).
      if (!(await entityExists(untyped, account.kind, account.id, "share")))
        throw errNotFound.create({ kind: account.kind, id: account.id });
      if (!(await entityExists(untyped, entity.kind, entity.id, "update")))
        throw errNotFound.create({ kind: entityTables[entity.kind].words, id: entity.id });
      const row = await trx
        .selectFrom("memberships")
        .selectAll()
        .where(matches(account, entity))
        .executeTakeFirst();
      const unique = [...new Set(await change(row ? toMembership(row) : undefined))].sort();
      if (unique.length === 0) {
        if (row) await trx.deleteFrom("memberships").where(matches(account, entity)).execute();
        return undefined;
      }
      checkMemberKinds(account, entity);
      const now = timestamp(context.now());
      const rightsJson = JSON.stringify(unique);
      // The entity's lock keeps `row` current: one upsert covers both the grant and the change.
      const written = await trx
        .insertInto("memberships")
        .values({
          account_id: account.id,
          account_kind: account.kind,
          entity_kind: entity.kind,
          entity_id: entity.id,
          rights: rightsJson,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(["account_id", "entity_kind", "entity_id"])
            .doUpdateSet({ rights: rightsJson, updated_at: now }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMembership(written);
    });

  return {
    async set(account, entity, rights) {
      // Removing needs no checks: nothing is written about the account or the entity.
      if (rights.length === 0) {
        await db.deleteFrom("memberships").where(matches(account, entity)).execute();
        return undefined;
      }
      checkMemberKinds(account, entity);
      return update(account, entity, () => rights);
    },

    update,

    async get(account, entity) {
      const row = await db
        .selectFrom("memberships")
        .selectAll()
        .where(matches(account, entity))
        .executeTakeFirst();
      return row ? toMembership(row) : undefined;
    },

    listMembers(entity, options) {
      return page(
        (eb) => eb.and([eb("entity_kind", "=", entity.kind), eb("entity_id", "=", entity.id)]),
        ["account_id"],
        options,
      );
    },

    listMemberships(account, entityKind, options) {
      return page(
        (eb) =>
          eb.and([
            eb("account_id", "=", account.id),
            eb("account_kind", "=", account.kind),
            ...(entityKind ? [eb("entity_kind", "=", entityKind)] : []),
          ]),
        ["entity_kind", "entity_id"],
        options,
      );
    },

    async effectiveRights(userId, entity) {
      const direct = await db
        .selectFrom("memberships")
        .select("rights")
        .where(matches({ kind: "user", id: userId }, entity))
        .executeTakeFirst();
      const result = new Set<string>(direct ? expandRights(JSON.parse(direct.rights)) : []);
      const viaOrganizations = await db
        .selectFrom("memberships as member")
        .innerJoin("organizations", "organizations.organization_id", "member.entity_id")
        .innerJoin("memberships as grant", (join) =>
          join
            .onRef("grant.account_id", "=", "member.entity_id")
            .on("grant.account_kind", "=", "organization"),
        )
        .select(["member.rights as user_rights", "grant.rights as organization_rights"])
        .where("member.account_id", "=", userId)
        .where("member.account_kind", "=", "user")
        .where("member.entity_kind", "=", "organization")
        .where("organizations.deleted_at", "is", null)
        .where("grant.entity_kind", "=", entity.kind)
        .where("grant.entity_id", "=", entity.id)
        .execute();
      for (const { user_rights, organization_rights } of viaOrganizations) {
        const granted = new Set(expandRights(JSON.parse(organization_rights)));
        for (const right of expandRights(JSON.parse(user_rights)))
          if (granted.has(right)) result.add(right);
      }
      return [...result].sort();
    },

    async rightsOfEach(account, kind, ids) {
      const result = new Map<string, Set<string>>();
      if (ids.length === 0) return new Map();
      const add = (id: string, rights: Iterable<string>) => {
        const held = result.get(id) ?? new Set<string>();
        for (const right of rights) held.add(right);
        result.set(id, held);
      };
      const direct = await db
        .selectFrom("memberships")
        .select(["entity_id", "rights"])
        .where("account_kind", "=", account.kind)
        .where("account_id", "=", account.id)
        .where("entity_kind", "=", kind)
        .where("entity_id", "in", [...ids])
        .execute();
      for (const row of direct) add(row.entity_id, expandRights(JSON.parse(row.rights)));
      if (account.kind === "user" && kind !== "organization") {
        const viaOrganizations = await db
          .selectFrom("memberships as member")
          .innerJoin("organizations", "organizations.organization_id", "member.entity_id")
          .innerJoin("memberships as grant", (join) =>
            join
              .onRef("grant.account_id", "=", "member.entity_id")
              .on("grant.account_kind", "=", "organization"),
          )
          .select([
            "grant.entity_id as entity_id",
            "member.rights as user_rights",
            "grant.rights as organization_rights",
          ])
          .where("member.account_id", "=", account.id)
          .where("member.account_kind", "=", "user")
          .where("member.entity_kind", "=", "organization")
          .where("organizations.deleted_at", "is", null)
          .where("grant.entity_kind", "=", kind)
          .where("grant.entity_id", "in", [...ids])
          .execute();
        for (const row of viaOrganizations) {
          const granted = new Set(expandRights(JSON.parse(row.organization_rights)));
          add(
            row.entity_id,
            expandRights(JSON.parse(row.user_rights)).filter((right) => granted.has(right)),
          );
        }
      }
      return new Map([...result].map(([id, rights]) => [id, [...rights].sort()]));
    },

    async lockEntity(entity) {
      const { table, column } = entityTables[entity.kind];
      const untyped = context.db;
      const row = await lockRows(
        untyped,
        untyped.selectFrom(table).select(column).where(column, "=", entity.id),
        "update",
      ).executeTakeFirst();
      return row !== undefined;
    },
  };
}

/** An organization cannot be a member of an organization. */
function checkMemberKinds(account: AccountRef, entity: MemberEntityRef): void {
  if (account.kind === "organization" && entity.kind === "organization")
    throw errInvalidMembership.create({
      account_kind: account.kind,
      account_id: account.id,
      entity_kind: entity.kind,
      entity_id: entity.id,
    });
}

function toMembership(row: MembershipsTable): Membership {
  return {
    account: { kind: row.account_kind as AccountRef["kind"], id: row.account_id },
    entity: { kind: row.entity_kind as MemberEntityKind, id: row.entity_id },
    rights: JSON.parse(row.rights),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

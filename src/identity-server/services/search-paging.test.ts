import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EventBus } from "../../events/index.ts";
import {
  EntityRegistrySearch,
  SearchApplicationsRequestSchema,
} from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { identityStores } from "../registry.ts";
import type { IdentityStores } from "../store/index.ts";
import { storeAccessLookup } from "./context.ts";
import { entityRegistrySearch } from "./search.ts";
import { createTestKey, testHandlerContext } from "./test-context.ts";

// Issue 8: a search loaded whole tables and checked rights one entity at a time. Now the
// filter, the rights (a join on memberships), the order and the page are one SQL query: the
// rows read are one page, whatever the size of the registry.

describe("search reads one page of rows", () => {
  let folder: string;
  let database: Database;
  let stores: IdentityStores;
  let rowsRead = 0;
  const keys = { admin: "", alice: "", aliceNoInfo: "" };
  let search: ReturnType<typeof entityRegistrySearch>;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-search-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    // Counts the rows every statement of the services returns.
    const counted: Database = {
      ...database,
      db: database.db.withPlugin({
        transformQuery: (args) => args.node,
        async transformResult(args) {
          rowsRead += args.result.rows.length;
          return args.result;
        },
      }),
    };
    stores = identityStores({ database: counted });
    await stores.users.create("admin", { admin: true, state: "STATE_APPROVED" });
    await stores.users.create("alice", { state: "STATE_APPROVED" });
    await stores.organizations.create("acme", {});
    await stores.memberships.set(
      { kind: "user", id: "alice" },
      { kind: "organization", id: "acme" },
      ["RIGHT_ALL"],
    );
    await stores.transact(async (tx) => {
      for (let i = 0; i < 400; i++) {
        const id = `app-${String(i).padStart(3, "0")}`;
        await tx.applications.create(id, { name: i % 2 ? "Weather station" : "Parking" });
        // Alice holds every fourth application through her organization.
        if (i % 4 === 1)
          await tx.memberships.set(
            { kind: "organization", id: "acme" },
            { kind: "application", id },
            ["RIGHT_APPLICATION_ALL"],
          );
      }
    });
    keys.admin = await createTestKey(stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
    keys.alice = await createTestKey(stores, { kind: "user", id: "alice" }, ["RIGHT_ALL"]);
    keys.aliceNoInfo = await createTestKey(stores, { kind: "user", id: "alice" }, [
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    search = entityRegistrySearch({
      stores,
      lookup: storeAccessLookup(stores),
      events: new EventBus({ origin: "test" }),
    });
  });
  after(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function searchApplications(key: string, init: Record<string, unknown>) {
    const handler = testHandlerContext(EntityRegistrySearch, "SearchApplications", { token: key });
    rowsRead = 0;
    const result = await search.searchApplications?.(
      create(SearchApplicationsRequestSchema, init),
      handler,
    );
    return {
      ids: (result?.applications ?? []).map((a) => a.ids?.applicationId),
      total: Number(handler.responseHeader.get("x-total-count")),
      rowsRead,
    };
  }

  it("an admin's search: the page, the total, and few rows read", async () => {
    const found = await searchApplications(keys.admin, { query: "weather", limit: 5, page: 3 });
    assert.deepEqual(found.ids, ["app-021", "app-023", "app-025", "app-027", "app-029"]);
    assert.equal(found.total, 200);
    assert.ok(found.rowsRead < 20, `read ${found.rowsRead} rows for a page of 5`);
  });

  it("a member's search: rights through organizations in the same query", async () => {
    const found = await searchApplications(keys.alice, { nameContains: "weather", limit: 3 });
    assert.deepEqual(found.ids, ["app-001", "app-005", "app-009"]);
    assert.equal(found.total, 100);
    assert.ok(found.rowsRead < 20, `read ${found.rowsRead} rows for a page of 3`);
  });

  it("a key without the info right finds nothing", async () => {
    const found = await searchApplications(keys.aliceNoInfo, { query: "weather" });
    assert.deepEqual([found.ids, found.total], [[], 0]);
  });
});

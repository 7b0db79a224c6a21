import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../test/harness/postgres.ts";
import { describeStorageConformance } from "./conformance.ts";
import { openDatabase } from "./database.ts";

const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describeStorageConformance("sqlite", {
  async open() {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-sqlite-"));
    folders.push(folder);
    const file = join(folder, "lorastack.db");
    return {
      database: await openDatabase({ engine: "sqlite", file }),
      reopen: () => openDatabase({ engine: "sqlite", file }),
    };
  },
});

const skipPostgres = postgresSkipReason();
if (skipPostgres) {
  describe("storage conformance: postgres", () => {
    it("runs against a throwaway PostgreSQL server", (t) => {
      t.skip(skipPostgres);
    });
  });
} else {
  describe("postgres", () => {
    let server: TestPostgres;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    describeStorageConformance("postgres", {
      async open() {
        const uri = await server.createDatabase();
        return {
          database: await openDatabase({ engine: "postgres", uri }),
          reopen: () => openDatabase({ engine: "postgres", uri }),
        };
      },
    });
  });
}

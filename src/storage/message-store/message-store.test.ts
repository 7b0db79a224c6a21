import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from "../../../test/harness/postgres.ts";
import { openDatabase } from "../database.ts";
import { describeMessageStoreConformance } from "./conformance.ts";

let folder: string | undefined;
let counter = 0;
after(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describeMessageStoreConformance("sqlite", {
  async open() {
    folder ??= await mkdtemp(join(tmpdir(), "lorastack-message-store-"));
    return openDatabase({ engine: "sqlite", file: join(folder, `${++counter}.db`) });
  },
});

const skipPostgres = postgresSkipReason();
if (skipPostgres) {
  describe("message store conformance: postgres", () => {
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
    describeMessageStoreConformance("postgres", {
      async open() {
        return openDatabase({ engine: "postgres", uri: await server.createDatabase() });
      },
    });
  });
}

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { pino } from "pino";
import type { Logger } from "../log/logger.ts";
import { type Database, migrateToLatest, openDatabase } from "../storage/index.ts";
import {
  defaultClients,
  type FirstStartOptions,
  firstStart,
  firstStartBanner,
  generatePassword,
} from "./first-start.ts";
import { clientMetadata } from "./oauth/clients.ts";
import { validatePassword, verifyPassword } from "./passwords/index.ts";
import { identityStores } from "./registry.ts";
import type { IdentityStores } from "./store/index.ts";

const logger = pino({ level: "silent" }) as unknown as Logger;

describe("first start", () => {
  let folder: string;
  let database: Database;
  let stores: IdentityStores;
  let printed: string[];

  const options = (extra: Partial<FirstStartOptions> = {}): FirstStartOptions => ({
    enabled: true,
    stores,
    issuer: "http://localhost:1885/oauth",
    logger,
    print: (text) => printed.push(text),
    password: () => "Generated-Passw0rd-xyz",
    ...extra,
  });

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), "first-start-"));
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
    stores = identityStores({ database });
    printed = [];
  });

  afterEach(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("creates the admin and the OAuth clients once, and prints the password once", async () => {
    const result = await firstStart(options());
    assert.deepEqual(result, {
      created: true,
      consoleUrl: "http://localhost:1885/console",
      userId: "admin",
    });
    const admin = await stores.users.get("admin");
    assert.equal(admin.admin, true);
    assert.equal(admin.state, "STATE_APPROVED");
    assert.equal(admin.primaryEmailAddress, "admin@localhost");
    assert.ok(admin.primaryEmailAddressValidatedAt instanceof Date);
    assert.ok(await verifyPassword("Generated-Passw0rd-xyz", String(admin.password)));
    const console = await stores.clients.get("console");
    assert.deepEqual(console.redirectUris, ["http://localhost:1885/console/oauth/callback"]);
    assert.deepEqual(console.logoutRedirectUris, ["http://localhost:1885/console"]);
    assert.deepEqual((await stores.clients.get("cli")).redirectUris, ["local-callback", "code"]);
    assert.equal(printed.length, 1);
    assert.ok(printed[0]?.includes("Generated-Passw0rd-xyz"));

    assert.deepEqual(await firstStart(options({ password: () => "Other-Passw0rd-xyz" })), {
      created: false,
      reason: "not empty",
    });
    assert.equal(printed.length, 1);
    assert.ok(
      await verifyPassword(
        "Generated-Passw0rd-xyz",
        String((await stores.users.get("admin")).password),
      ),
    );
  });

  it("does nothing on a database that has users", async () => {
    await stores.users.create("someone", { primaryEmailAddress: "someone@example.com" });
    assert.deepEqual(await firstStart(options()), { created: false, reason: "not empty" });
    await assert.rejects(stores.users.get("admin"), /not found/);
    await assert.rejects(stores.clients.get("console"), /not found/);
    assert.deepEqual(printed, []);
  });

  it("does nothing when disabled", async () => {
    assert.deepEqual(await firstStart(options({ enabled: false })), {
      created: false,
      reason: "disabled",
    });
    assert.equal((await stores.users.list({ limit: 1 })).total, 0);
    assert.deepEqual(printed, []);
  });

  it("creates one admin when two instances start at once, and prints once", async () => {
    const results = await Promise.all([
      firstStart(options({ password: () => "First-Passw0rd-xyz" })),
      firstStart(options({ password: () => "Second-Passw0rd-xyz" })),
    ]);
    assert.equal(results.filter((result) => result.created).length, 1);
    assert.equal(printed.length, 1);
    const winner = printed[0]?.includes("First-") ? "First-Passw0rd-xyz" : "Second-Passw0rd-xyz";
    assert.ok(await verifyPassword(winner, String((await stores.users.get("admin")).password)));
  });

  it("registers the Console where the OAuth issuer is (another port, a public issuer)", async () => {
    await firstStart(options({ issuer: "https://lns.example.com:8443/auth/oauth" }));
    const console = await stores.clients.get("console");
    assert.deepEqual(console.redirectUris, ["https://lns.example.com:8443/console/oauth/callback"]);
    assert.ok(printed[0]?.includes("Console:  https://lns.example.com:8443/console\n"));
    const metadata = clientMetadata(console, "https://lns.example.com:8443/auth/oauth");
    assert.deepEqual(metadata?.redirect_uris, [
      "https://lns.example.com:8443/console/oauth/callback",
    ]);
  });

  it("prints the banner of the contract", () => {
    assert.equal(
      firstStartBanner("http://localhost:1885/console", "admin", "Abc123defGhi456jkLmn"),
      'lorastack: first start: created the admin user "admin" and the Console\'s OAuth client.\n' +
        "  Console:  http://localhost:1885/console\n" +
        "  user:     admin\n" +
        "  password: Abc123defGhi456jkLmn   (shown only now; change it in the Console under User settings)\n",
    );
  });

  it("generates passwords of 20 characters that pass the password policy", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      assert.equal(password.length, 20);
      assert.match(password, /^[A-Za-z0-9]+$/);
      validatePassword(password, { userId: "admin" });
      seen.add(password);
    }
    assert.equal(seen.size, 200);
  });

  it("keeps the clients that `is-db init` registered", () => {
    assert.deepEqual(
      defaultClients("http://localhost:1885").map((client) => client.id),
      ["console", "cli"],
    );
  });
});

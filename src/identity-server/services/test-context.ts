/**
 * Test support for the Identity Server services: a migrated SQLite database in a temporary
 * folder, the stores and `ServiceContext` on it, API keys created directly in the stores, and
 * Connect handler contexts carrying a bearer token. Only for tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import { EventBus } from "../../events/index.ts";
import { ephemeralKeyVault } from "../../key-vault/index.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { identityStores } from "../registry.ts";
import type { ApiKeyEntityRef, IdentityStores } from "../store/index.ts";
import { type ServiceContext, storeAccessLookup } from "./context.ts";

export interface TestServices {
  stores: IdentityStores;
  services: ServiceContext;
  events: EventBus;
  /** Closes the database and removes its folder. */
  close(): Promise<void>;
}

/** A fresh, migrated SQLite database with the Identity Server's stores and services on it. */
export async function openTestServices(): Promise<TestServices> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-is-services-"));
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
  await migrateToLatest(database.db, database.engine);
  const stores = identityStores({ database });
  const events = new EventBus({ origin: "test" });
  return {
    stores,
    events,
    services: { stores, lookup: storeAccessLookup(stores), events, keyVault: ephemeralKeyVault() },
    async close() {
      await database.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Creates an API key of the entity with the rights; returns the bearer token. */
export async function createTestKey(
  stores: IdentityStores,
  entity: ApiKeyEntityRef,
  rights: readonly string[],
): Promise<string> {
  const key = generateApiKey();
  await stores.apiKeys.create({
    keyId: key.id,
    entity,
    secretHash: hashApiKeySecret(key.secret),
    rights,
  });
  return key.token;
}

/** A Connect handler context for a method of the service, authenticated by `token` if given. */
export function testHandlerContext(
  service: DescService,
  methodName: string,
  options: { token?: string; signal?: AbortSignal } = {},
): HandlerContext {
  const method = service.methods.find((m) => m.name === methodName) as DescMethod;
  if (!method) throw new Error(`${service.typeName} has no method ${methodName}`);
  const requestHeader = new Headers();
  if (options.token) requestHeader.set("authorization", `Bearer ${options.token}`);
  return createHandlerContext({
    service,
    method,
    protocolName: "test",
    requestMethod: "POST",
    url: `http://localhost/${service.typeName}/${method.name}`,
    requestHeader,
    requestSignal: options.signal,
  });
}

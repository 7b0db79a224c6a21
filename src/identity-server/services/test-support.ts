/**
 * Helpers for in-process tests of the Identity Server services: a migrated SQLite database in
 * a temporary folder, the stores and service context on it, API keys made directly in the
 * store, and Connect handler contexts that carry a key as the `Authorization` header.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DescService } from "@bufbuild/protobuf";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import type { ErrorCode, ErrorDefinition } from "../../errors/index.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import { ephemeralKeyVault } from "../../key-vault/index.ts";
import { type Database, migrateToLatest, openDatabase } from "../../storage/index.ts";
import { identityStores } from "../registry.ts";
import type { ApiKeyEntityRef, IdentityStores } from "../store/index.ts";
import { type ServiceContext, storeAccessLookup } from "./context.ts";

/** A fresh Identity Server on its own database, with every published event recorded. */
export interface TestIdentity {
  services: ServiceContext;
  stores: IdentityStores;
  /** Events published so far, oldest first. */
  events: StackEvent[];
  close(): Promise<void>;
}

export async function openTestIdentity(): Promise<TestIdentity> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-is-services-"));
  let database: Database | undefined;
  try {
    database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
    await migrateToLatest(database.db, database.engine);
  } catch (error) {
    await database?.close();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const stores = identityStores({ database });
  const bus = new EventBus({ origin: "test" });
  const events: StackEvent[] = [];
  bus.listen((event) => events.push(event));
  const services: ServiceContext = {
    stores,
    lookup: storeAccessLookup(stores),
    events: bus,
    keyVault: ephemeralKeyVault(),
  };
  const opened = database;
  return {
    services,
    stores,
    events,
    async close() {
      await opened.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Creates a user directly in the store (password hash left out: not needed by the API tests). */
export async function seedUser(
  stores: IdentityStores,
  id: string,
  options: { admin?: boolean; email?: string } = {},
): Promise<void> {
  await stores.users.create(id, {
    primaryEmailAddress: options.email ?? `${id}@example.com`,
    state: "STATE_APPROVED",
    admin: options.admin ?? false,
  });
}

/** Creates an API key of `entity` directly in the store; returns its token. */
export async function seedApiKey(
  stores: IdentityStores,
  entity: ApiKeyEntityRef,
  rights: readonly string[],
): Promise<string> {
  const generated = generateApiKey();
  await stores.apiKeys.create({
    keyId: generated.id,
    entity,
    secretHash: hashApiKeySecret(generated.secret),
    rights,
  });
  return generated.token;
}

/**
 * A handler context for a call of `service` (its first method stands in: the implementations
 * only read headers), authenticated by `token` when given.
 */
export function callContext(service: DescService, token?: string): HandlerContext {
  const method = service.methods[0];
  if (!method) throw new Error(`service ${service.typeName} has no methods`);
  return createHandlerContext({
    service,
    method,
    protocolName: "connect",
    requestMethod: "POST",
    url: `http://localhost/${service.typeName}/${method.name}`,
    requestHeader: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Asserts that `promise` rejects with an error of `definition` (and so with its code). */
export async function rejectsWith(
  promise: Promise<unknown> | unknown,
  definition: ErrorDefinition,
): Promise<void> {
  await assert.rejects(Promise.resolve(promise), (error: unknown) => {
    assert.ok(
      definition.matches(error),
      `expected ${definition.namespace}:${definition.name}, got ${String(error)}`,
    );
    return true;
  });
}

/** Asserts that `promise` rejects with a typed error of `code` (any definition). */
export async function rejectsWithCode(
  promise: Promise<unknown> | unknown,
  code: ErrorCode,
): Promise<void> {
  await assert.rejects(Promise.resolve(promise), (error: unknown) => {
    const actual = (error as { code?: unknown }).code;
    assert.equal(actual, code, `expected code ${code}, got ${String(error)}`);
    return true;
  });
}

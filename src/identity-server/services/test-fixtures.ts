/**
 * Test fixtures for the Identity Server services: a migrated SQLite database in a temporary
 * folder, the stores and service context on it, users, organizations and API keys made
 * directly in the stores, Connect handler contexts carrying a key, and a Fastify app serving
 * registered services through the REST transcoder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DescMethod, DescMethodUnary, DescService, MessageShape } from "@bufbuild/protobuf";
import { createHandlerContext, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import Fastify, { type FastifyInstance } from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { ApiRegistry } from "../../api/registry.ts";
import { registerRestRoutes, restService } from "../../api/rest/transcoder.ts";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import type { RightName } from "../../auth/rights/index.ts";
import { DefinedError } from "../../errors/index.ts";
import { type EntityRef, EventBus, type StackEvent } from "../../events/index.ts";
import { ephemeralKeyVault } from "../../key-vault/index.ts";
import { openDatabase } from "../../storage/database.ts";
import { migrateToLatest } from "../../storage/migrate.ts";
import { identityStores } from "../registry.ts";
import type {
  AccountRef,
  ApiKeyEntityRef,
  IdentityStores,
  MemberEntityRef,
} from "../store/index.ts";
import { type ServiceContext, storeAccessLookup } from "./context.ts";

export interface ServiceFixture {
  stores: IdentityStores;
  events: EventBus;
  services: ServiceContext;
  /** Events published since the fixture was opened (or since `published.length = 0`). */
  published: StackEvent[];
  /** Creates a user (an admin when asked). */
  user(id: string, options?: { admin?: boolean }): Promise<void>;
  /** Creates an organization with `owner` as a member with all rights. */
  organization(id: string, owner?: string): Promise<void>;
  /** Makes `account` a member of `entity` with these rights. */
  member(account: AccountRef, entity: MemberEntityRef, rights: RightName[]): Promise<void>;
  /** A new API key of `entity` with these rights; returns the token. */
  key(entity: ApiKeyEntityRef, rights: RightName[]): Promise<string>;
  /** A handler context as Connect gives it, with `Authorization: Bearer <token>` if any. */
  handler(token?: string): HandlerContext;
  close(): Promise<void>;
}

const dummyService = {
  kind: "service",
  typeName: "test.Service",
  name: "Service",
  methods: [],
  method: {},
} as unknown as DescService;
const dummyMethod = { kind: "rpc", name: "Method", localName: "method" } as unknown as DescMethod;

/** Opens a fresh, migrated SQLite database with the Identity Server's stores on it. */
export async function openServiceFixture(): Promise<ServiceFixture> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-is-services-"));
  const database = await openDatabase({ engine: "sqlite", file: join(folder, "lorastack.db") });
  await migrateToLatest(database.db, database.engine);
  const stores = identityStores({ database });
  const events = new EventBus({ origin: "test" });
  const published: StackEvent[] = [];
  events.listen((event) => published.push(event));
  const services: ServiceContext = {
    stores,
    lookup: storeAccessLookup(stores),
    events,
    keyVault: ephemeralKeyVault(),
  };
  return {
    stores,
    events,
    services,
    published,
    async user(id, options = {}) {
      await stores.users.create(id, {
        primaryEmailAddress: `${id}@example.com`,
        admin: options.admin ?? false,
        state: "STATE_APPROVED",
      });
    },
    async organization(id, owner) {
      await stores.organizations.create(id, {});
      if (owner)
        await stores.memberships.set({ kind: "user", id: owner }, { kind: "organization", id }, [
          "RIGHT_ORGANIZATION_ALL",
        ]);
    },
    async member(account, entity, rights) {
      await stores.memberships.set(account, entity, rights);
    },
    async key(entity, rights) {
      const generated = generateApiKey();
      await stores.apiKeys.create({
        keyId: generated.id,
        entity,
        secretHash: hashApiKeySecret(generated.secret),
        rights,
      });
      return generated.token;
    },
    handler(token) {
      return createHandlerContext({
        service: dummyService,
        method: dummyMethod,
        protocolName: "grpc",
        requestMethod: "POST",
        url: "http://localhost/test",
        requestHeader: token ? { authorization: `Bearer ${token}` } : {},
      });
    },
    async close() {
      await database.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** A Fastify app serving the services registered by `register` under `/api/v3`. */
export async function restApp(
  services: ServiceContext,
  register: (api: ApiRegistry, services: ServiceContext) => void,
): Promise<FastifyInstance> {
  const api = new ApiRegistry();
  register(api, services);
  const app = Fastify();
  registerRestRoutes(app, {
    prefix: "/api/v3",
    services: api
      .services()
      .map(({ service, implementation }) => restService(service, implementation)),
    onError: (error) => errorToHttp(error),
  });
  await app.ready();
  return app;
}

/** Whether an event is about an entity. */
export function isAbout(event: StackEvent, entity: EntityRef): boolean {
  return event.identifiers.some((ref) => ref.kind === entity.kind && ref.id === entity.id);
}

/** Asserts that `promise` rejects with a DefinedError of this code (and name, if given). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  name?: string,
): Promise<DefinedError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof DefinedError)) throw error;
    if (error.code !== code || (name !== undefined && error.definition.name !== name)) {
      throw new Error(
        `expected ${code}${name ? ` ${name}` : ""}, got ${error.code} ${error.definition.name}: ${error.message}`,
        { cause: error },
      );
    }
    return error;
  }
  throw new Error(`expected ${code}${name ? ` ${name}` : ""}, but the call succeeded`);
}

/** A service implementation as tests call it: every unary method, with full message types. */
export type UnaryService<S extends DescService> = {
  [M in keyof S["method"]]: S["method"][M] extends DescMethodUnary<infer I, infer O>
    ? (request: MessageShape<I>, context: HandlerContext) => Promise<MessageShape<O>>
    : never;
};

/** The implementation typed for calls from tests. */
export function asService<S extends DescService>(
  _service: S,
  implementation: Partial<ServiceImpl<S>>,
): UnaryService<S> {
  return implementation as unknown as UnaryService<S>;
}

import type { HandlerContext } from "@connectrpc/connect";
import { authenticate } from "../../auth/authenticate.ts";
import { requireRightsOn, rightsOn } from "../../auth/authorize.ts";
import type { AccessLookup, Caller } from "../../auth/caller.ts";
import { errNoCredentials } from "../../auth/errors.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { EntityRef, EventBus } from "../../events/index.ts";
import type { KeyVault } from "../../key-vault/index.ts";
import type { Logger } from "../../log/logger.ts";
import { errNotFound, type IdentityStores } from "../store/index.ts";

/** What every Identity Server service implementation works with. */
export interface ServiceContext {
  stores: IdentityStores;
  lookup: AccessLookup;
  events: EventBus;
  /** Encrypts secrets at rest (gateway secrets); without it, secrets cannot be stored. */
  keyVault?: KeyVault;
}

/**
 * The access lookups of authentication and authorization, answered by the registries. With a
 * logger, a failed upgrade of a migrated API key's hash is logged and the request goes on;
 * without one it fails the request.
 */
export function storeAccessLookup(
  stores: IdentityStores,
  options: { logger?: Logger } = {},
): AccessLookup {
  return {
    async apiKey(id) {
      const key = await stores.apiKeys.get(id).catch(nullOnNotFound);
      if (!key) return undefined;
      // The key of a deleted entity stops working until the entity is restored.
      if (!(await ownerExists(stores, key.entity))) return undefined;
      return {
        id: key.keyId,
        secretHash: key.secretHash,
        owner: key.entity,
        rights: key.rights,
        expiresAt: key.expiresAt,
      };
    },
    async upgradeApiKeyHash(keyId, from, to) {
      try {
        await stores.apiKeys.replaceSecretHash(keyId, from, to);
      } catch (error) {
        if (!options.logger) throw error;
        options.logger.warn({ err: error, key_id: keyId }, "could not upgrade an API key's hash");
      }
    },
    async user(userId) {
      const user = await stores.users.get(userId, { fieldMask: ["admin"] }).catch(nullOnNotFound);
      return user ? { admin: user.admin === true } : undefined;
    },
    async membershipRights(account, entity) {
      if (entity.kind === "user" || entity.kind === "end_device") return new Set();
      const memberEntity = { kind: entity.kind, id: entity.id };
      if (account.kind === "user")
        return new Set(await stores.memberships.effectiveRights(account.id, memberEntity));
      if (account.kind !== "organization") return new Set();
      const membership = await stores.memberships.get(
        { kind: "organization", id: account.id },
        memberEntity,
      );
      return new Set(membership?.rights ?? []);
    },
  };
}

async function ownerExists(
  stores: IdentityStores,
  owner: { kind: string; id: string },
): Promise<boolean> {
  const registries = {
    user: stores.users,
    organization: stores.organizations,
    application: stores.applications,
    gateway: stores.gateways,
    client: stores.clients,
  } as const;
  const registry = registries[owner.kind as keyof typeof registries];
  if (!registry) return false;
  const found = await registry.get(owner.id, { fieldMask: [] }).catch(nullOnNotFound);
  return found !== undefined;
}

function nullOnNotFound(error: unknown): undefined {
  if (errNotFound.matches(error)) return undefined;
  throw error;
}

/** The authenticated caller of a request; `no_credentials` when it carries none. */
export async function callerOf(context: ServiceContext, handler: HandlerContext): Promise<Caller> {
  const caller = await authenticate(handler.requestHeader.get("authorization"), context.lookup);
  if (!caller) throw errNoCredentials.create();
  return caller;
}

/** Authenticates the caller and checks it holds `required` on `entity`; returns both. */
export async function authorize(
  context: ServiceContext,
  handler: HandlerContext,
  entity: EntityRef,
  required: readonly RightName[],
): Promise<{ caller: Caller; rights: Set<RightName> }> {
  const caller = await callerOf(context, handler);
  const rights = await requireRightsOn(caller, entity, required, context.lookup);
  return { caller, rights };
}

/** The caller's rights on an entity (possibly none). */
export function callerRightsOn(
  context: ServiceContext,
  caller: Caller,
  entity: EntityRef,
): Promise<Set<RightName>> {
  return rightsOn(caller, entity, context.lookup);
}

/** Whether the caller is an admin user (directly, or through a key of an admin user). */
export async function isAdmin(context: ServiceContext, caller: Caller): Promise<boolean> {
  const userId =
    caller.kind === "user"
      ? caller.userId
      : caller.owner.kind === "user"
        ? caller.owner.id
        : undefined;
  if (!userId) return false;
  return (await context.lookup.user(userId))?.admin === true;
}

import type { HandlerContext } from "@connectrpc/connect";
import { accountStateRules } from "../../auth/account-state.ts";
import { authenticate } from "../../auth/authenticate.ts";
import { principalOf, requireRightsOn, rightsOn, rightsOnEach } from "../../auth/authorize.ts";
import type { AccessLookup, Caller } from "../../auth/caller.ts";
import { errNoCredentials, errNoRights } from "../../auth/errors.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { EntityRef, EventBus } from "../../events/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
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
  /** The plans a gateway may name: built-in and the operator's; without it, built-in only. */
  frequencyPlans?: FrequencyPlans;
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
      const user = await stores.users
        .get(userId, { fieldMask: ["admin", "state"] })
        .catch(nullOnNotFound);
      return user ? { admin: user.admin === true, state: user.state } : undefined;
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
    async membershipRightsOfEach(account, kind, ids) {
      if (account.kind !== "user" && account.kind !== "organization") return new Map();
      if (kind === "user" || kind === "end_device") return new Map();
      const found = await stores.memberships.rightsOfEach(
        { kind: account.kind, id: account.id },
        kind,
        ids,
      );
      return new Map([...found].map(([id, rights]) => [id, new Set(rights)]));
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

/**
 * Whether the caller acts as an admin: an approved admin user, through a credential that itself
 * carries `RIGHT_USER_ALL` (see `Principal`). A restricted key or token of an admin does not.
 */
export async function isAdmin(context: ServiceContext, caller: Caller): Promise<boolean> {
  return (await principalOf(caller, context.lookup)).admin;
}

/**
 * Throws unless the caller acts as an admin: the account state's refusal (`user_suspended`,
 * ...) for a user that is not in good standing, `no_rights` on `entity` otherwise.
 */
export async function requireAdmin(
  context: ServiceContext,
  caller: Caller,
  entity: { kind: string; id: string },
): Promise<void> {
  const principal = await principalOf(caller, context.lookup);
  if (principal.admin) return;
  const refusal = principal.state && accountStateRules[principal.state].refusal;
  if (refusal) throw refusal.create();
  throw errNoRights.create({ entity_kind: entity.kind, entity_id: entity.id });
}

/** The caller's rights on each of many entities of one kind (list calls). */
export function callerRightsOnEach(
  context: ServiceContext,
  caller: Caller,
  kind: "application" | "gateway" | "organization" | "client" | "user",
  ids: readonly string[],
): Promise<Map<string, Set<RightName>>> {
  return rightsOnEach(caller, kind, ids, context.lookup);
}

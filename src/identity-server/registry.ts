import { expandRights, parseRights } from "../auth/rights/index.ts";
import type { Database } from "../storage/index.ts";
import { createIdentityStores, type IdentityStores } from "./store/index.ts";

export type { IdentityStores } from "./store/index.ts";

/**
 * The Identity Server's storage: its registries (users, organizations, applications, gateways,
 * end devices, OAuth clients, memberships, API keys) on the process database, with rights
 * expanded as the API grants them. The stores themselves are in `store/`.
 */
export function identityStores(context: { database: Database }): IdentityStores {
  return createIdentityStores(context.database.db, {
    engine: context.database.engine,
    expandRights: (rights) => [...expandRights(parseRights(rights))],
  });
}

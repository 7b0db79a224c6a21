import { accountIdTaken, claimAccountId } from "./accounts.ts";
import type { StoreContext } from "./database.ts";
import { removeDependents } from "./entity-tables.ts";
import { Registry } from "./registry.ts";
import type { EntityStore, Organization, OrganizationFields } from "./types.ts";

/** Organizations, keyed by organization ID (shared with users). */
export type OrganizationStore = EntityStore<string, OrganizationFields, Organization>;

export function createOrganizationStore(context: StoreContext): OrganizationStore {
  return new Registry<string, OrganizationFields, Organization>(context, {
    kind: "organization",
    table: "organizations",
    keyColumns: ["organization_id"],
    keyFields: ["organizationId"],
    keyValues: (id) => [id],
    describe: (id) => id,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
    ],
    dateFields: [],
    softDelete: true,
    beforeCreate: (trx, id, createdAt) => claimAccountId(trx, "organization", id, createdAt),
    removeDependents: (trx, id) => removeDependents(trx, "organization", id),
    clash: (constraint, id) => (constraint.includes("account_id") ? accountIdTaken(id) : undefined),
  });
}

import type { StoreContext } from "./database.ts";
import { removeDependents } from "./entity-tables.ts";
import { Registry } from "./registry.ts";
import type { Application, ApplicationFields, EntityStore } from "./types.ts";

/** Applications, keyed by application ID. Purging one removes its end devices too. */
export type ApplicationStore = EntityStore<string, ApplicationFields, Application>;

export function createApplicationStore(context: StoreContext): ApplicationStore {
  return new Registry<string, ApplicationFields, Application>(context, {
    kind: "application",
    table: "applications",
    keyColumns: ["application_id"],
    keyFields: ["applicationId"],
    keyValues: (id) => [id],
    describe: (id) => id,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
    ],
    dateFields: [],
    softDelete: true,
    removeDependents: (trx, id) => removeDependents(trx, "application", id),
  });
}

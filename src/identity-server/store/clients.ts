import type { StoreContext } from "./database.ts";
import { removeDependents } from "./entity-tables.ts";
import { Registry } from "./registry.ts";
import type { Client, ClientFields, EntityStore } from "./types.ts";

/** OAuth clients, keyed by client ID. */
export type ClientStore = EntityStore<string, ClientFields, Client>;

export function createClientStore(context: StoreContext): ClientStore {
  return new Registry<string, ClientFields, Client>(context, {
    kind: "client",
    table: "clients",
    keyColumns: ["client_id"],
    keyFields: ["clientId"],
    keyValues: (id) => [id],
    describe: (id) => id,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
    ],
    dateFields: [],
    softDelete: true,
    removeDependents: (trx, id) => removeDependents(trx, "client", id),
  });
}

import type { StoreContext } from "./database.ts";
import { removeDependents } from "./entity-tables.ts";
import { errGatewayEuiTaken, errNotFound } from "./errors.ts";
import { Registry } from "./registry.ts";
import type { EntityStore, Gateway, GatewayFields, GetOptions } from "./types.ts";

/** Gateways, keyed by gateway ID; the gateway EUI is unique until the holder is purged. */
export interface GatewayStore extends EntityStore<string, GatewayFields, Gateway> {
  /** The gateway with this EUI; not_found when none (or only a soft-deleted one, unless asked). */
  getByEui(gatewayEui: string, options?: GetOptions<GatewayFields>): Promise<Gateway>;
}

export function createGatewayStore(context: StoreContext): GatewayStore {
  const registry = new Registry<string, GatewayFields, Gateway>(context, {
    kind: "gateway",
    table: "gateways",
    keyColumns: ["gateway_id"],
    keyFields: ["gatewayId"],
    keyValues: (id) => [id],
    describe: (id) => id,
    columns: [
      { field: "name", column: "name" },
      { field: "description", column: "description" },
      { field: "gatewayEui", column: "gateway_eui", eui: true },
    ],
    dateFields: [],
    softDelete: true,
    removeDependents: (trx, id) => removeDependents(trx, "gateway", id),
    queryFields: ["gatewayEui"],
    clash: (constraint, _id, fields) =>
      constraint.includes("gateway_eui")
        ? errGatewayEuiTaken.create({ gateway_eui: String(fields.gatewayEui).toUpperCase() })
        : undefined,
  });
  return Object.assign(registry, {
    async getByEui(gatewayEui: string, options: GetOptions<GatewayFields> = {}) {
      const eui = gatewayEui.toUpperCase();
      let query = context.db
        .selectFrom("gateways")
        .select("gateway_id")
        .where("gateway_eui", "=", eui);
      if (!options.includeDeleted) query = query.where("deleted_at", "is", null);
      const row = await query.executeTakeFirst();
      if (!row) throw errNotFound.create({ kind: "gateway with EUI", id: eui });
      return registry.get(row.gateway_id, options);
    },
  });
}

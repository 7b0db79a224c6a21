import { errorNamespace } from "../../errors/index.ts";
import type { OrderField } from "../store/index.ts";

const errors = errorNamespace("identity-server/services/order");
export const errInvalidOrder = errors.invalidArgument(
  "invalid_order",
  "cannot order by `{order}`; use one of {allowed}",
);

/**
 * The order of a list request (`name`, `-created_at`, `application_id`, ...): a leading `-`
 * sorts descending; the entity's ID field orders by ID.
 */
export function parseOrder(
  order: string,
  idField: string,
): { field: OrderField; descending: boolean } | undefined {
  if (order === "") return undefined;
  const descending = order.startsWith("-");
  const name = descending ? order.slice(1) : order;
  const fields: Record<string, OrderField> = {
    [idField]: "id",
    name: "name",
    created_at: "createdAt",
    updated_at: "updatedAt",
  };
  // Own keys only: `constructor` or `__proto__` must not name what every object inherits.
  const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (!field) throw errInvalidOrder.create({ order, allowed: Object.keys(fields).join(", ") });
  return { field, descending };
}

import type { EndDeviceOrderField } from "../store/index.ts";
import { errInvalidOrder } from "./order.ts";

/**
 * The `order` values of end device lists and searches, as The Things Stack's
 * ListEndDevicesRequest allows them (and `updated_at`). By `last_seen_at`, devices never seen
 * come last in either direction.
 */
const orders: Record<string, EndDeviceOrderField> = {
  device_id: "id",
  join_eui: "joinEui",
  dev_eui: "devEui",
  name: "name",
  description: "description",
  created_at: "createdAt",
  updated_at: "updatedAt",
  last_seen_at: "lastSeenAt",
};

/** The order of an end device list (`name`, `-created_at`, ...); a leading `-` descends. */
export function parseDeviceOrder(
  order: string,
): { field: EndDeviceOrderField; descending: boolean } | undefined {
  if (order === "") return undefined;
  const descending = order.startsWith("-");
  const field = orders[descending ? order.slice(1) : order];
  if (!field) throw errInvalidOrder.create({ order, allowed: Object.keys(orders).join(", ") });
  return { field, descending };
}

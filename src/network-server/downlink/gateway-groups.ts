/**
 * The gateways an application downlink names (`class_b_c.gateways`) as downlink paths, grouped
 * by `group_index`: the Gateway Server picks one gateway of each group, so a downlink is
 * transmitted once per group (a multicast group covering an area through several gateways).
 * Groups keep the order in which the downlink first names them. Pure.
 */
import { create } from "@bufbuild/protobuf";
import { DownlinkPathSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { ApplicationDownlink } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { OrderedDownlinkPath } from "./paths.ts";

/** The named gateways of the downlink, one list of fixed paths per group; empty when none. */
export function gatewayGroups(downlink: ApplicationDownlink | undefined): OrderedDownlinkPath[][] {
  const groups = new Map<number, OrderedDownlinkPath[]>();
  for (const gateway of downlink?.classBC?.gateways ?? []) {
    if (gateway.gatewayIds === undefined) continue;
    const path: OrderedDownlinkPath = {
      gatewayIds: gateway.gatewayIds,
      path: create(DownlinkPathSchema, {
        path: {
          case: "fixed",
          value: { gatewayIds: gateway.gatewayIds, antennaIndex: gateway.antennaIndex },
        },
      }),
    };
    const group = groups.get(gateway.groupIndex);
    if (group === undefined) groups.set(gateway.groupIndex, [path]);
    else group.push(path);
  }
  return [...groups.values()];
}

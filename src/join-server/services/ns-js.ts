/**
 * `NsJs`: the Join Server's service for the cluster's Network Servers (registered internal:
 * callers present a cluster key). Joins and network session keys, from the one join handler.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { NsJs } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { JoinHandler, JoinOrigin } from "../join-handler.ts";

const cluster: JoinOrigin = { kind: "cluster" };

export function nsJsService(handler: JoinHandler): ServiceImpl<typeof NsJs> {
  return {
    handleJoin: (request) => handler.handleJoin(request, cluster),
    getNwkSKeys: (request) => handler.getNwkSKeys(request, cluster),
  };
}
